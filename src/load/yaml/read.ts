// The yaml package's side of reading: documents as values, problems with
// their lines, and the line of any field for diagnostics. This is the
// reference behaviour; the fast reader (see read-slice.ts) matches it.
import type { Document, YAMLError } from 'yaml';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { lineOf } from './locate.ts';

/** A problem the yaml package reported (line is 1-based in the file). */
export interface YamlProblem {
  severity: 'error' | 'warning';
  line?: number;
  message: string;
}

export interface ReadDocument {
  /** undefined when the document could not be read (see problems). */
  value: unknown;
  /** Syntax errors and warnings (an error means no value). */
  problems: YamlProblem[];
  /** The 1-based line in the file of `path` inside the document (see lineOf). */
  lineOf(path: readonly (string | number)[]): number;
}

// YAML 1.2 (the yaml package's default) with merge keys (<<), which the YAML
// 1.1 parser behind kubectl supports. One difference remains: YAML 1.1 reads
// unquoted yes/no/on/off as booleans, 1.2 as strings, so `value: on` is the
// string "on" here where kubectl would send true. Aliases are capped against
// "billion laughs". The fast reader reads exactly these semantics.
//
// Lines come from the text's own newlines, not from the yaml package's line
// counter: that one is fed by the parser's newline tokens, and after some
// syntax errors it misses the newlines swallowed by an error token, putting
// everything after one line too high per newline missed.
const PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: true } as const;
const MAX_ALIASES = 100;

/** Every document of a whole stream, read by the yaml package (lines offset by `lineOffset`). */
export function readWithYamlPackage(text: string, lineOffset = 0): ReadDocument[] {
  return readWithYamlPackageDetailed(text, lineOffset).map((read) => read.doc);
}

/** Reads `text` as one document with the yaml package to find the lines of its fields (lines offset by `lineOffset`). */
export function locator(text: string, lineOffset: number): (path: readonly (string | number)[]) => number {
  const lines = countLines(text);
  const doc = parseDocument(text, PARSE_OPTIONS);
  return (path) => lineOf(doc, path, lines) + lineOffset;
}

/** Every document of a stream read by the yaml package, each with the offset where it starts in `text`. */
export function readWithYamlPackageDetailed(text: string, lineOffset = 0): { doc: ReadDocument; start: number }[] {
  const lines = countLines(text);
  return Array.from(parseAllDocuments(text, PARSE_OPTIONS), (doc) => ({ doc: fromYamlDocument(doc, lines, lineOffset), start: doc.range[0] }));
}

/** A line counter holding every line start of `text`. */
function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

function fromYamlDocument(doc: Document, lines: LineCounter, lineOffset: number): ReadDocument {
  const problems: YamlProblem[] = [];
  for (const warning of doc.warnings) problems.push({ severity: 'warning', ...describe(warning, lines, lineOffset, 'YAML: ') });
  const locate = (path: readonly (string | number)[]) => lineOf(doc, path, lines) + lineOffset;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) problems.push({ severity: 'error', ...describe(error, lines, lineOffset, 'YAML syntax error: ') });
    return { value: undefined, problems, lineOf: locate };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }), problems, lineOf: locate };
  } catch (error) {
    problems.push({ severity: 'error', line: locate([]), message: `YAML: ${error instanceof Error ? error.message : String(error)}` });
    return { value: undefined, problems, lineOf: locate };
  }
}

/** The first line of the yaml package's message and, when it knows where, the line (reported apart) and column. */
function describe(error: YAMLError, lines: LineCounter, lineOffset: number, prefix: string): { line: number | undefined; message: string } {
  const [first = '', ...more] = error.message.split('\n');
  const offset = error.pos[0];
  if (offset === -1) return { line: undefined, message: prefix + first.replace(/:$/, '') };
  const { line, col } = lines.linePos(offset);
  return { line: line + lineOffset, message: prefix + (more.length === 0 ? `${first} (column ${col})` : first.replace(/:$/, '')) };
}
