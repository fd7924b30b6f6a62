// "Last good config wins", per file and per object (DESIGN.md):
// - a file that cannot be parsed (YAML syntax error, unreadable) keeps the
//   objects it contributed last time;
// - an object that fails validation keeps its last valid version, as the API
//   server would refuse the update; an object never valid is absent;
// and every current problem is reported. The result is a ResourceSet plus a
// fingerprint, so the provider publishes only when something changed.
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../../lib/canonical-json.ts';
import type { Diagnostic, LoadedObject, ParseResult } from '../../load/index.ts';
import { buildResourceSet, compareDiagnostics, objectKey } from '../../load/index.ts';
import type { ResourceSet } from '../../model/resources.ts';
import { ObjectHistory } from './history.ts';

/** One manifest file as last read. */
export interface FileRecord {
  rel: string;
  parse: ParseResult;
}

export interface Assembled {
  resources: ResourceSet;
  diagnostics: Diagnostic[];
  /** Equal fingerprints: the same objects (content and metadata) and the same diagnostics. */
  fingerprint: string;
}

export class ConfigState {
  readonly #history = new ObjectHistory();
  /** What each file contributed last time (kept when it next fails to parse). */
  #contributed = new Map<string, LoadedObject[]>();
  /** The objects of the last assembly, by key: each one's last valid version. */
  #lastValid = new Map<string, LoadedObject>();
  readonly #hashes = new WeakMap<object, string>();

  /** Combines the files (in path order) into a ResourceSet; `now` stamps objects seen for the first time. */
  assemble(files: readonly FileRecord[], now: Date): Assembled {
    const diagnostics: Diagnostic[] = [];
    const validKeys = new Set<string>();
    for (const file of files) {
      if (!this.#keepsPrevious(file)) for (const loaded of file.parse.objects) validKeys.add(objectKey(loaded.object));
    }

    const contributed = new Map<string, LoadedObject[]>();
    const all: LoadedObject[] = [];
    for (const file of files) {
      diagnostics.push(...file.parse.diagnostics);
      const objects = this.#keepsPrevious(file)
        ? this.#keepPrevious(file, diagnostics)
        : this.#withLastValid(file, validKeys, diagnostics);
      contributed.set(file.rel, objects);
      all.push(...objects);
    }

    const built = buildResourceSet(all);
    diagnostics.push(...built.diagnostics);
    const winners = new Map<string, LoadedObject>();
    for (const loaded of all) {
      const key = objectKey(loaded.object);
      if (!winners.has(key)) winners.set(key, loaded);
    }
    for (const loaded of winners.values()) this.#history.stamp(loaded.object, now);
    this.#history.retain(new Set(winners.keys()));
    this.#lastValid = winners;
    this.#contributed = contributed;

    diagnostics.sort(compareDiagnostics);
    return { resources: built.resources, diagnostics, fingerprint: this.#fingerprint([...winners.values()], diagnostics) };
  }

  #keepsPrevious(file: FileRecord): boolean {
    return file.parse.syntaxError && this.#contributed.has(file.rel);
  }

  #keepPrevious(file: FileRecord, diagnostics: Diagnostic[]): LoadedObject[] {
    const previous = this.#contributed.get(file.rel) ?? [];
    diagnostics.push({
      severity: 'warning',
      file: file.rel,
      message: `the file could not be read; its last good objects (${previous.length}) stay in effect until it is fixed`,
    });
    return previous;
  }

  /** The file's valid objects, plus the last valid version of each object it now gets wrong. */
  #withLastValid(file: FileRecord, validKeys: Set<string>, diagnostics: Diagnostic[]): LoadedObject[] {
    const objects = [...file.parse.objects];
    for (const rejected of file.parse.rejected) {
      const key = `${rejected.kind}/${rejected.namespace ?? ''}/${rejected.name}`;
      const last = this.#lastValid.get(key);
      if (last === undefined || validKeys.has(key)) continue;
      validKeys.add(key);
      objects.push({ object: last.object, source: rejected.source });
      diagnostics.push({
        severity: 'warning',
        file: rejected.source.file,
        line: rejected.source.line,
        kind: rejected.kind,
        ...(rejected.namespace === undefined ? {} : { namespace: rejected.namespace }),
        name: rejected.name,
        message: `the last valid version (generation ${last.object.metadata.generation ?? 1}) stays in effect until the errors are fixed`,
      });
    }
    // Keep document order: a kept version takes the place of the object it stands for.
    return objects.sort((a, b) => a.source.line - b.source.line);
  }

  #fingerprint(objects: LoadedObject[], diagnostics: Diagnostic[]): string {
    const hash = createHash('sha256');
    for (const { object } of objects) {
      let objectHash = this.#hashes.get(object);
      if (objectHash === undefined) {
        objectHash = createHash('sha1').update(canonicalJSON(object)).digest('base64');
        this.#hashes.set(object, objectHash);
      }
      hash.update(objectHash);
    }
    hash.update(JSON.stringify(diagnostics));
    return hash.digest('base64');
  }
}
