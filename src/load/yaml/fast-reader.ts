// A fast reader for the YAML that manifests are usually written in: block
// mappings and sequences, plain and quoted scalars on one line, and flow
// collections on one line. It reads one document and gives the same value as
// the yaml package (YAML 1.2 core schema) would, some fifty times faster
// (measured on 10,000 HTTPRoutes: ~80 ms against ~4 s).
//
// It is deliberately narrow: at anything else (anchors, aliases, tags, block
// scalars, multi-line scalars, merge keys, duplicate keys, non-string keys,
// tabs, odd indentation, syntax errors) it gives up, and the caller reads the
// document with the yaml package, which also produces the exact error
// messages. So what it accepts it reads exactly; everything else keeps the
// yaml package's behaviour. fast-reader.test.ts holds the two to agreement.
import { COLON, CR, DASH, DQUOTE, fail, HASH, InlineReader, isIndicator, isStringKey, LBRACE, LBRACKET, NEWLINE, SPACE, SPECIAL_KEYS, SQUOTE, UNSUPPORTED } from './inline.ts';
import { countNewlines } from './documents.ts';
import { resolvePlain } from './scalars.ts';

/** A document as read: its root value (null for an empty one) and the 0-based line, within the text read, where the root starts. */
export interface FastDocument {
  value: unknown;
  line: number;
}

/**
 * Characters that send a document to the yaml package wherever they are:
 * tabs, control characters, a lone CR, BOM, DEL and C1 controls, and
 * non-characters (their handling varies between parsers).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNUSUAL_CHARACTER = /[\0-\x08\t\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;
const LONE_CR = /\r(?!\n)/;

/** True when the fast reader can take documents of `text` (checked once per file: usually true). */
export function hasOnlyUsualCharacters(text: string): boolean {
  return !UNUSUAL_CHARACTER.test(text) && (!text.includes('\r') || !LONE_CR.test(text));
}

/** The yaml package rejects implicit keys longer than this. */
const MAX_IMPLICIT_KEY = 1024;

/**
 * Plain keys met before, by a hash of their text: a key found here is used
 * as it is, neither sliced from the text nor interned again as a property
 * name (most keys are the schema's few dozen field names). Bounded, since
 * label and data keys are unbounded.
 */
const KNOWN_KEYS = new Map<number, string>();
const MAX_KNOWN_KEYS = 4096;

/** A copy of `text` that does not keep the string it was sliced from alive. */
function copyOf(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * Reads the document in text[start, end) (no document markers inside).
 * Returns undefined when the document needs the yaml package. The caller has
 * checked hasOnlyUsualCharacters() on the document (or the whole text).
 */
export function readFastDocument(text: string, start: number, end: number): FastDocument | undefined {
  return read(new BlockReader(text, start, end, false));
}

/**
 * Where each field of a document the fast reader reads is: the 0-based line,
 * within text[start, end), of `path`, as lineOf() in locate.ts finds it with
 * the yaml package (the line of the key for a map entry, of the item for a
 * list entry, of the deepest part that exists when the path goes further).
 * The document is read again, recording where each entry starts: for
 * diagnostics, so a folder where every object has a warning still loads fast.
 */
export function fastLocator(text: string, start: number, end: number): ((path: readonly (string | number)[]) => number) | undefined {
  const reader = new BlockReader(text, start, end, true);
  const doc = read(reader);
  if (doc === undefined) return undefined;
  return (path) => {
    const offset = reader.offsetOf(doc.value, path);
    return offset === undefined ? doc.line : countNewlines(text, start, offset);
  };
}

function read(reader: BlockReader): FastDocument | undefined {
  try {
    return reader.readDocument();
  } catch (error) {
    // Too deep to read recursively (a stack overflow): the yaml package decides, as before.
    if (error === UNSUPPORTED || error instanceof RangeError) return undefined;
    throw error;
  }
}

class BlockReader extends InlineReader {
  readonly #end: number;
  /** Start of the current line. */
  #line: number;
  /** Spaces before the current line's content. */
  #indent = 0;
  /** Index of the current line's newline (or the end of the document). */
  #eol = 0;
  #done = false;
  /** Set by #findKeyColon. */
  #keyHash = 0;

  constructor(text: string, start: number, end: number, locating: boolean) {
    super(text, locating);
    this.#line = start;
    this.#end = end;
  }

  /** When locating: where the entry at the end of `path` starts (undefined: the root itself). */
  offsetOf(root: unknown, path: readonly (string | number)[]): number | undefined {
    let node = root;
    let offset: number | undefined;
    for (const segment of path) {
      const isItem = Array.isArray(node) && typeof segment === 'number' && Number.isInteger(segment) && segment >= 0 && segment < node.length;
      const isEntry = !Array.isArray(node) && typeof node === 'object' && node !== null && Object.hasOwn(node, String(segment));
      if (!isItem && !isEntry) break;
      offset = this.placeOf(node as object, segment) ?? offset;
      node = (node as Record<string, unknown>)[String(segment)];
    }
    return offset;
  }

  readDocument(): FastDocument | undefined {
    const start = this.#line;
    this.#skipToContent();
    if (this.#done) return { value: null, line: 0 };
    let line = 0;
    for (let i = this.text.indexOf('\n', start); i !== -1 && i < this.#line; i = this.text.indexOf('\n', i + 1)) line++;
    const first = this.#line + this.#indent;
    // A root sequence or scalar is rare in manifests: left to the yaml package.
    if (this.#isSequenceEntry(first)) fail();
    const value = this.#mapping(this.#indent, first);
    if (!this.#done) fail(); // content less indented than the root
    return { value, line };
  }

  // ------------------------------------------------------------- lines

  /** Moves to the next line that has content (not blank, not only a comment). */
  #skipToContent(): void {
    const text = this.text;
    let lineStart = this.#line;
    while (lineStart < this.#end) {
      let c = lineStart;
      while (c < this.#end && text.charCodeAt(c) === SPACE) c++;
      const code = c < this.#end ? text.charCodeAt(c) : NEWLINE;
      let eol = text.indexOf('\n', c);
      if (eol === -1 || eol > this.#end) eol = this.#end;
      if (code === NEWLINE || code === CR || code === HASH) {
        lineStart = eol + 1;
        continue;
      }
      this.#line = lineStart;
      this.#indent = c - lineStart;
      this.#eol = eol;
      this.contentEnd = eol > c && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
      return;
    }
    this.#line = this.#end;
    this.#done = true;
  }

  #nextLine(): void {
    this.#line = this.#eol + 1;
    this.#skipToContent();
  }

  /** After a value: only spaces, then a comment or the end of the line. */
  #expectLineEnd(at: number): void {
    let c = at;
    while (c < this.contentEnd && this.text.charCodeAt(c) === SPACE) c++;
    if (c === this.contentEnd) return;
    if (this.text.charCodeAt(c) === HASH && c > at) return;
    fail();
  }

  #isSequenceEntry(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && (at + 1 === this.contentEnd || this.text.charCodeAt(at + 1) === SPACE);
  }

  // ------------------------------------------------------------- block collections

  /** A block node starting on the current line at its indentation. */
  #block(): unknown {
    const at = this.#line + this.#indent;
    return this.#isSequenceEntry(at) ? this.#sequence(this.#indent) : this.#mapping(this.#indent, at);
  }

  /** A block mapping whose keys are at column `indent`; the first key is at `firstKey` on the current line. */
  #mapping(indent: number, firstKey: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let at = firstKey;
    for (;;) {
      const key = this.#key(at);
      if (Object.hasOwn(map, key)) fail(); // the yaml package reports duplicate keys
      this.place(map, key, at);
      map[key] = this.#mappingValue(indent, this.cursor);
      if (this.#done || this.#indent < indent) return map;
      if (this.#indent > indent) fail();
      at = this.#line + indent;
    }
  }

  /** The value after "key:" (the cursor is after the colon); leaves the reader on the next content line. */
  #mappingValue(indent: number, afterColon: number): unknown {
    const text = this.text;
    let c = afterColon;
    while (c < this.contentEnd && text.charCodeAt(c) === SPACE) c++;
    if (c === this.contentEnd || text.charCodeAt(c) === HASH) {
      this.#nextLine();
      if (this.#done) return null;
      if (this.#indent > indent) return this.#block();
      // "key:" followed by "- item" at the key's own indentation is a sequence too.
      if (this.#indent === indent && this.#isSequenceEntry(this.#line + indent)) return this.#sequence(indent);
      return null;
    }
    if (this.#isSequenceEntry(c)) fail();
    const value = this.#inlineValue(c);
    this.#expectLineEnd(this.cursor);
    this.#nextLine();
    return value;
  }

  /** A block sequence whose dashes are at column `indent`, starting on the current line. */
  #sequence(indent: number): unknown[] {
    const text = this.text;
    const list: unknown[] = [];
    for (;;) {
      let c = this.#line + indent + 1;
      while (c < this.contentEnd && text.charCodeAt(c) === SPACE) c++;
      if (c === this.contentEnd || text.charCodeAt(c) === HASH) {
        this.#nextLine();
        const nested = !this.#done && this.#indent > indent;
        // An empty item is a null on the dash's line; a nested one starts where its block does.
        this.place(list, list.length, nested ? this.#line + this.#indent : c);
        list.push(nested ? this.#block() : null);
      } else if (this.#isSequenceEntry(c)) {
        fail(); // "- - x": left to the yaml package
      } else if (this.#startsCompactMapping(c)) {
        this.place(list, list.length, c);
        list.push(this.#mapping(c - this.#line, c));
      } else {
        this.place(list, list.length, c);
        list.push(this.#inlineValue(c));
        this.#expectLineEnd(this.cursor);
        this.#nextLine();
      }
      if (this.#done || this.#indent < indent) return list;
      if (this.#indent > indent) fail();
      if (!this.#isSequenceEntry(this.#line + indent)) return list;
    }
  }

  /** True when the entry "- ..." at `at` is a mapping ("- name: x"), not a scalar or flow value. */
  #startsCompactMapping(at: number): boolean {
    const code = this.text.charCodeAt(at);
    if (code === DQUOTE || code === SQUOTE) {
      this.quoted(at);
      let c = this.cursor;
      while (c < this.contentEnd && this.text.charCodeAt(c) === SPACE) c++;
      return this.#isMappingColon(c);
    }
    if (code === LBRACKET || code === LBRACE) return false;
    return this.#findKeyColon(at) !== -1;
  }

  // ------------------------------------------------------------- keys and inline values

  /** ':' followed by a space or the end of the line. */
  #isMappingColon(at: number): boolean {
    return this.text.charCodeAt(at) === COLON && (at + 1 === this.contentEnd || this.text.charCodeAt(at + 1) === SPACE);
  }

  /**
   * The colon that ends a plain key starting at `at`, or -1 when a comment or
   * the end of the line comes first. Leaves a hash of the characters before
   * the colon in #keyHash.
   */
  #findKeyColon(at: number): number {
    const text = this.text;
    let hash = 0;
    for (let c = at; c < this.contentEnd; c++) {
      const code = text.charCodeAt(c);
      if (code === COLON && this.#isMappingColon(c)) {
        this.#keyHash = hash;
        return c;
      }
      if (code === HASH && text.charCodeAt(c - 1) === SPACE) return -1;
      hash = (Math.imul(hash, 31) + code) | 0;
    }
    return -1;
  }

  /** A key at `at` and its colon; the cursor ends after the colon. */
  #key(at: number): string {
    const text = this.text;
    const code = text.charCodeAt(at);
    if (code === DQUOTE || code === SQUOTE) {
      const key = this.quoted(at);
      let c = this.cursor;
      while (c < this.contentEnd && text.charCodeAt(c) === SPACE) c++;
      if (!this.#isMappingColon(c) || c + 1 - at > MAX_IMPLICIT_KEY || SPECIAL_KEYS.has(key)) fail();
      this.cursor = c + 1;
      return key;
    }
    if (isIndicator(code)) fail();
    const colon = this.#findKeyColon(at);
    if (colon === -1 || colon - at > MAX_IMPLICIT_KEY) fail();
    this.cursor = colon + 1;
    const known = KNOWN_KEYS.get(this.#keyHash);
    if (known !== undefined && known.length === colon - at && text.startsWith(known, at)) return known;
    let last = colon;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    const key = text.slice(at, last);
    if (!isStringKey(key) || SPECIAL_KEYS.has(key)) fail(); // null, boolean and number keys; merge keys
    if (last === colon && KNOWN_KEYS.size < MAX_KNOWN_KEYS) KNOWN_KEYS.set(this.#keyHash, copyOf(key));
    return key;
  }

  /** A value that fits on the rest of the line: quoted, flow, or plain. The cursor ends after it. */
  #inlineValue(at: number): unknown {
    const code = this.text.charCodeAt(at);
    if (code === DQUOTE || code === SQUOTE) return this.quoted(at);
    if (code === LBRACKET || code === LBRACE) return this.flow(at);
    return resolvePlain(this.#plainInBlock(at));
  }

  /** A plain scalar in block context: up to a comment or the end of the line. */
  #plainInBlock(at: number): string {
    const text = this.text;
    if (isIndicator(text.charCodeAt(at))) {
      // "-1", "-x" are plain scalars; other indicators start something else.
      const next = text.charCodeAt(at + 1);
      if (text.charCodeAt(at) !== DASH || at + 1 === this.contentEnd || next === SPACE) fail();
    }
    let end = this.contentEnd;
    for (let c = at + 1; c < this.contentEnd; c++) {
      const code = text.charCodeAt(c);
      if (code === HASH && text.charCodeAt(c - 1) === SPACE) {
        end = c;
        break;
      }
      if (code === COLON && this.#isMappingColon(c)) fail(); // "a: b: c"
    }
    while (text.charCodeAt(end - 1) === SPACE) end--;
    this.cursor = end;
    return text.slice(at, end);
  }

}
