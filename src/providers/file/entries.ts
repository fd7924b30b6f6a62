// One manifest file as last read: its stat, content hash and parse. Reading
// a file again parses it only when its content changed, and then re-reads
// only its changed documents (parseManifests with the previous parse).
import type { ParseResult } from '../../load/index.ts';
import { parseManifests } from '../../load/index.ts';
import type { ManifestFile } from './files.ts';
import { readManifest } from './files.ts';

export interface FileEntry {
  stat: ManifestFile;
  hash: string;
  parse: ParseResult;
}

export type Content = { text: string; hash: string } | { unreadable: string; hash: string };

/** A file's content, or undefined when it no longer exists. Never throws. */
export function readContent(file: ManifestFile): Content | undefined {
  try {
    return readManifest(file.abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const message = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    return { unreadable: message, hash: `unreadable:${code ?? message}` };
  }
}

/** The entry for `file` with `content`; `changed` is false when the content is what `previous` had. */
export function entryOf(file: ManifestFile, content: Content, previous?: FileEntry): { entry: FileEntry; changed: boolean } {
  if (previous !== undefined && previous.hash === content.hash) return { entry: { ...previous, stat: file }, changed: false };
  const parse: ParseResult =
    'text' in content
      ? parseManifests(content.text, file.rel, previous?.parse)
      : { objects: [], rejected: [], syntaxError: true, diagnostics: [{ severity: 'error', file: file.rel, message: content.unreadable }] };
  return { entry: { stat: file, hash: content.hash, parse }, changed: true };
}
