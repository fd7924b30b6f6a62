// One document of a stream (see documents.ts): read by the fast reader when
// it can, else by the yaml package, with the same outcome as reading the
// whole stream. Lines are worked out only when a diagnostic asks for one: the
// fast reader keeps none, so the yaml package then re-reads that document.
import type { DocumentSlice } from './documents.ts';
import { fastLocator, hasOnlyUsualCharacters, readFastDocument } from './fast-reader.ts';
import type { ReadDocument } from './read.ts';
import { locator, readWithYamlPackageDetailed } from './read.ts';

export interface SliceRead {
  /** The document (none when it is only a stray marker), or with `toEnd` every document to the end of the stream. */
  documents: ReadDocument[];
  /** The read took in the rest of the stream (an unclosed quote, see below): no later slice is to be read. */
  toEnd: boolean;
}

/**
 * Reads one slice. `outerLine`: the 0-based line slice.outerStart is on;
 * `usualText`: the whole text passed hasOnlyUsualCharacters(), so this
 * document need not be checked.
 */
export function readSlice(text: string, slice: DocumentSlice, outerLine: number, usualText: boolean): SliceRead {
  const usual = usualText || hasOnlyUsualCharacters(slice.start === 0 && slice.end === text.length ? text : text.slice(slice.start, slice.end));
  const fast = usual ? readFastDocument(text, slice.start, slice.end) : undefined;
  if (fast === undefined) return readWithYamlPackage(text, slice, outerLine);
  // The slice starts on the line after its opening marker, if it has one.
  const sliceLine = outerLine + (slice.outerStart < slice.start ? 1 : 0);
  let located: ((path: readonly (string | number)[]) => number) | undefined;
  const doc: ReadDocument = {
    value: fast.value,
    problems: [],
    lineOf(path) {
      if (path.length === 0) return sliceLine + fast.line + 1;
      located ??= fastLineOf(text, slice, sliceLine);
      return located(path);
    },
  };
  return { documents: [doc], toEnd: false };
}

/** Lines of fields by the fast reader (reading the document again), or by the yaml package should it decline. */
function fastLineOf(text: string, slice: DocumentSlice, sliceLine: number): (path: readonly (string | number)[]) => number {
  const fast = fastLocator(text, slice.start, slice.end);
  if (fast === undefined) return locator(text.slice(slice.start, slice.end), sliceLine);
  return (path) => sliceLine + fast(path) + 1;
}

/**
 * The yaml package reads the slice with its markers (so that an unclosed
 * bracket is reported at the next marker, as in the whole stream). One thing
 * reaches past a document: the yaml package's lexer ends a quoted scalar at
 * the next matching quote anywhere in the stream, and only then looks for
 * lines (markers among them) that cut it short. With no such quote in the
 * rest of the stream the scalar runs to the end, taking in every document
 * after it; with one, the lexer cuts the scalar at this document's end but
 * reports it otherwise than when the text ends there. Either way the
 * closing marker does not start a document when the slice is read alone:
 * then the rest of the stream is read as a whole, which is exactly what the
 * whole stream reads from here (the file is broken; this is rare).
 */
function readWithYamlPackage(text: string, slice: DocumentSlice, outerLine: number): SliceRead {
  const outer = readWithYamlPackageDetailed(text.slice(slice.outerStart, slice.outerEnd), outerLine);
  const closingMarker = slice.end - slice.outerStart;
  const markerStartsDocument = slice.outerEnd === slice.end || outer.at(-1)?.start === closingMarker;
  if (markerStartsDocument) return { documents: outer.slice(0, 1).map((read) => read.doc), toEnd: false };
  return { documents: readWithYamlPackageDetailed(text.slice(slice.outerStart), outerLine).map((read) => read.doc), toEnd: true };
}
