// Re-reading a changed file without redoing its unchanged documents: the
// outcome of each document (objects, diagnostics) is kept with the document's
// text, and the next parse of the same file takes it back for a document
// with the same text, moving its lines if documents above it grew or shrank.
// Reading one document depends on nothing but its text, so the outcome is the
// one a fresh read would give; the objects are the same instances, so
// whatever was worked out about them (hashes, generation) carries over.
//
// Documents are matched from both ends first (an edit usually changes a few
// documents in the middle of a file), comparing texts position by position;
// only the documents left in between are looked up by text.
import type { Diagnostic } from './diagnostics.ts';
import type { LoadedObject, RejectedObject } from './parse.ts';

/** What one document contributed to a ParseResult. */
export interface DocumentOutcome {
  objects: LoadedObject[];
  rejected: RejectedObject[];
  diagnostics: Diagnostic[];
  syntaxError: boolean;
}

/** A document as read: its text (with its markers), where it was, and its outcome. */
export interface ReadDocumentRecord {
  text: string;
  /** The 0-based line its text started on. */
  line: number;
  /** Newlines from its start to the start of the next document's text (what it moves the documents after it by). */
  newlines: number;
  outcome: DocumentOutcome;
}

export class DocumentReuse {
  readonly file: string;
  readonly documents: readonly ReadDocumentRecord[];

  constructor(file: string, documents: readonly ReadDocumentRecord[]) {
    this.file = file;
    this.documents = documents;
  }

  /** For each of `texts` (a new version of the file's documents), a kept document with the same text, if any. */
  match(texts: readonly string[]): (ReadDocumentRecord | undefined)[] {
    const old = this.documents;
    const found = new Array<ReadDocumentRecord | undefined>(texts.length).fill(undefined);
    let head = 0;
    while (head < texts.length && head < old.length && texts[head] === old[head]?.text) {
      found[head] = old[head];
      head++;
    }
    let tail = 0;
    while (tail < texts.length - head && tail < old.length - head && texts[texts.length - 1 - tail] === old[old.length - 1 - tail]?.text) {
      found[texts.length - 1 - tail] = old[old.length - 1 - tail];
      tail++;
    }
    if (head + tail === texts.length || head + tail === old.length) return found;
    const byText = new Map<string, ReadDocumentRecord>();
    for (let i = head; i < old.length - tail; i++) {
      const record = old[i] as ReadDocumentRecord;
      byText.set(record.text, record);
    }
    for (let i = head; i < texts.length - tail; i++) {
      const record = byText.get(texts[i] as string);
      if (record === undefined) continue;
      byText.delete(record.text); // two documents with the same text: the second is read anew, as its own instance
      found[i] = record;
    }
    return found;
  }
}

/** A kept outcome as it reads when its document now starts `delta` lines further down. */
export function moveLines(outcome: DocumentOutcome, delta: number): DocumentOutcome {
  if (delta === 0) return outcome;
  return {
    objects: outcome.objects.map((loaded) => ({ ...loaded, source: { ...loaded.source, line: loaded.source.line + delta } })),
    rejected: outcome.rejected.map((rejected) => ({ ...rejected, source: { ...rejected.source, line: rejected.source.line + delta } })),
    diagnostics: outcome.diagnostics.map((d) => (d.line === undefined ? d : { ...d, line: d.line + delta })),
    syntaxError: outcome.syntaxError,
  };
}
