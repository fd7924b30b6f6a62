// Splits a YAML stream into its documents at "---" lines, as the yaml
// package's lexer does (a "---" at the start of a line, followed by a space,
// a tab or the end of the line, starts a document in every context, even
// inside an unclosed quote or bracket). Each document can then be read on its
// own, by the fast reader or by the yaml package, and reused when its text is
// unchanged. Splitting counts no lines: the caller counts them only for the
// documents it reads (see countNewlines).

export interface DocumentSlice {
  /** The document's text is text.slice(start, end): between its markers, excluding them. */
  start: number;
  end: number;
  /**
   * With the "---" lines before and after it: what the yaml package is given
   * when it reads this document alone, so that an unclosed bracket or quote
   * is reported where the whole stream reports it (at the next marker). The
   * outer ranges overlap by the marker line; outerStart of one document to
   * outerStart of the next is its share of the lines.
   */
  outerStart: number;
  outerEnd: number;
}

/** The rest of a "---" line that starts a document on its own: spaces and tabs, maybe a comment. */
const BARE_MARKER_REST = /^(?:[ \t]+(?:#[^\n]*)?)?\r?$/;

/** Lines that start "---", "..." or "%": document markers and directives, or content that merely looks alike. */
const MARKER_LIKE = /^(?:---|\.\.\.|%)/gm;

/**
 * The documents of `text` in order, or undefined when the stream needs the
 * yaml package as a whole: directives ("%YAML", "%TAG"), which apply across
 * markers; "..." document-end markers; and content on a "---" line
 * ("--- !tag", "--- text").
 */
export function splitDocuments(text: string): DocumentSlice[] | undefined {
  const slices: DocumentSlice[] = [];
  let outerStart = 0;
  let start = 0;
  MARKER_LIKE.lastIndex = 0;
  // test() rather than exec(): no match array per document; the match ends at lastIndex.
  while (MARKER_LIKE.test(text)) {
    const end = MARKER_LIKE.lastIndex;
    if (text[end - 1] === '%') return undefined;
    const at = end - 3;
    if (!isMarkerAt(text, at)) continue;
    if (text[at] === '.') return undefined;
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    if (lineEnd !== at + 3 && !BARE_MARKER_REST.test(text.slice(at + 3, lineEnd))) return undefined;
    const next = Math.min(lineEnd + 1, text.length);
    slices.push({ start, end: at, outerStart, outerEnd: next });
    outerStart = at;
    start = next;
  }
  slices.push({ start, end: text.length, outerStart, outerEnd: text.length });
  return slices;
}

/** Newlines in text[from, to). */
export function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** A three-character marker at `at` followed by a space, a tab, a line break or the end. */
function isMarkerAt(text: string, at: number): boolean {
  const after = text.charCodeAt(at + 3);
  return at + 3 === text.length || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d;
}
