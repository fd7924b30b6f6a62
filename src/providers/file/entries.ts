// One manifest file as last read: its stat, content and parse. Reading a
// file again parses it only when its content changed, and then re-reads only
// its changed documents (parseManifests with the previous parse). The text is
// kept to compare with, rather than a hash of it: comparing is cheaper than
// hashing, and the text stays in memory anyway (strings read from it are
// slices of it).
import type { ParseResult } from '../../load/index.ts';
import { parseManifests } from '../../load/index.ts';
import type { ManifestFile } from './files.ts';
import { readManifest } from './files.ts';

export type FileEntry = Content & {
  rel: string;
  stat: ManifestFile;
  parse: ParseResult;
};

/** The text of a file, or why it could not be read; and when the read began (wall clock, ms). */
export type Content = ({ text: string; unreadable?: undefined } | { text?: undefined; unreadable: string }) & { readAtMs: number };

/** A file's content, or undefined when it no longer exists. Never throws. */
export function readContent(file: ManifestFile): Content | undefined {
  const readAtMs = Date.now();
  try {
    return { text: readManifest(file.abs), readAtMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { unreadable: `cannot read the file: ${error instanceof Error ? error.message : String(error)}`, readAtMs };
  }
}

/** The entry for `file` with `content`; `changed` is false when the content is what `previous` had. */
export function entryOf(file: ManifestFile, content: Content, previous?: FileEntry): { entry: FileEntry; changed: boolean } {
  if (previous !== undefined && previous.text === content.text && previous.unreadable === content.unreadable) {
    return { entry: { ...previous, stat: file, readAtMs: content.readAtMs }, changed: false };
  }
  return { entry: { rel: file.rel, stat: file, ...content, parse: parse(file, content, previous) }, changed: true };
}

function parse(file: ManifestFile, content: Content, previous: FileEntry | undefined): ParseResult {
  let unreadable = content.unreadable;
  if (content.text !== undefined) {
    try {
      return parseManifests(content.text, file.rel, previous?.parse);
    } catch (error) {
      // The parser gave up on the text (e.g. nesting too deep for the yaml package): the file cannot be read.
      unreadable = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return { objects: [], rejected: [], syntaxError: true, diagnostics: [{ severity: 'error', file: file.rel, message: unreadable ?? '' }] };
}
