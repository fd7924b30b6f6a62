// "Last good config wins", per file and per object (DESIGN.md):
// - a file that cannot be parsed (YAML syntax error, unreadable) keeps the
//   objects it contributed last time;
// - an object that fails validation keeps its last valid version, as the API
//   server would refuse the update; an object never valid is absent;
// and every current problem is reported. The result is a ResourceSet plus
// what it holds in a comparable form, so the provider publishes only when
// something changed.
//
// Assembling is one pass over the objects with a lookup each in maps that
// persist between assemblies (building maps of 40,000 keys afresh cost more
// than everything else together); unchanged objects are the same instances
// (see parseManifests' reuse), so nothing about them is worked out again, and
// only objects that replace others are compared by content.
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../../lib/canonical-json.ts';
import type { Diagnostic, LoadedObject, ParseResult } from '../../load/index.ts';
import { compareDiagnostics, duplicateObject } from '../../load/index.ts';
import type { AnyObject, ResourceSet } from '../../model/resources.ts';
import { emptyResourceSet, KIND_TO_FIELD } from '../../model/resources.ts';
import type { History } from './history.ts';
import { firstSeen, kubernetesTime, replaced } from './history.ts';

/** One manifest file as last read. */
export interface FileRecord {
  rel: string;
  parse: ParseResult;
}

export interface Assembled {
  resources: ResourceSet;
  diagnostics: Diagnostic[];
  /** The objects in use, in order, and the diagnostics as text: see ConfigState.unchanged(). */
  content: { objects: AnyObject[]; diagnostics: string };
}

/** The object in use for a key, the assembly that last used it, the one the assembly before used, and its history. */
interface InUse {
  loaded: LoadedObject;
  pass: number;
  before: LoadedObject | undefined;
  history: History;
}

/** More edited files than this at once are assembled whole (patching costs a search per object). */
const MAX_PATCHED_FILES = 16;

/** An edit #patch can take in: the same objects by key, in order, valid, and no problem either side. */
function patchable(before: ParseResult, after: ParseResult): boolean {
  if (before.syntaxError || after.syntaxError || before.rejected.length + after.rejected.length + before.diagnostics.length + after.diagnostics.length > 0) return false;
  if (before.objects.length !== after.objects.length) return false;
  return after.objects.every((loaded, k) => loaded.key === before.objects[k]?.key);
}

export class ConfigState {
  /** What each file contributed last time (kept when it next fails to parse). */
  readonly #contributed = new Map<string, LoadedObject[]>();
  /** By key, the object in use; between assemblies, the objects of the last one (each one's last valid version). */
  readonly #inUse = new Map<string, InUse>();
  #pass = 0;
  /** Objects stamped with a generation: never stamped again (a published object does not change). */
  readonly #stamped = new WeakSet<object>();
  readonly #hashes = new WeakMap<object, string>();

  /** The files and result of the last assembly (see #patch). */
  #last: { files: readonly FileRecord[]; assembled: Assembled } | undefined;

  /** Combines the files (in path order) into a ResourceSet; `now` stamps objects seen for the first time. */
  assemble(files: readonly FileRecord[], now: Date): Assembled {
    const assembled = this.#patch(files) ?? this.#assembleAll(files, now);
    this.#last = { files, assembled };
    return assembled;
  }

  /**
   * The last assembly with the objects of a few edited files put in place of
   * their previous versions, when that is all that changed: the same files in
   * the same order, and each edited file holding the same objects (kind,
   * namespace, name, in order) as before, all valid, without a problem
   * before or after, each the one in use for its key. Anything else (a file
   * added or gone, an object added, renamed, rejected or a duplicate, a
   * syntax error, a diagnostic) is assembled whole. An edit of one route
   * among 40,000 files then costs a walk over the file list, not a lookup
   * per object.
   */
  #patch(files: readonly FileRecord[]): Assembled | undefined {
    const last = this.#last;
    if (last === undefined || last.files.length !== files.length) return undefined;
    const edited: { rel: string; before: ParseResult; after: ParseResult }[] = [];
    for (let i = 0; i < files.length; i++) {
      const before = last.files[i] as FileRecord;
      const after = files[i] as FileRecord;
      if (before.parse === after.parse) continue;
      if (before.rel !== after.rel || edited.length === MAX_PATCHED_FILES || !patchable(before.parse, after.parse) || this.#contributed.get(after.rel) !== before.parse.objects) return undefined;
      edited.push({ rel: after.rel, before: before.parse, after: after.parse });
    }
    const previous = last.assembled;
    if (edited.length === 0) return previous;
    const resources = { ...previous.resources };
    const copied = new Set<keyof ResourceSet>();
    const objects = [...previous.content.objects];
    const moves: { inUse: InUse; loaded: LoadedObject }[] = [];
    for (const { before, after } of edited) {
      for (let k = 0; k < after.objects.length; k++) {
        const old = before.objects[k] as LoadedObject;
        const loaded = after.objects[k] as LoadedObject;
        const inUse = this.#inUse.get(loaded.key);
        if (inUse?.loaded !== old) return undefined; // a duplicate, or kept from elsewhere
        // A problem that names the object (e.g. another file defines it too) may read differently now.
        if (previous.diagnostics.some((d) => d.kind === loaded.object.kind && d.name === loaded.object.metadata.name)) return undefined;
        const field = KIND_TO_FIELD[loaded.object.kind];
        if (!copied.has(field)) {
          (resources as Record<keyof ResourceSet, AnyObject[]>)[field] = [...previous.resources[field]];
          copied.add(field);
        }
        const list = resources[field] as AnyObject[];
        const at = list.indexOf(old.object);
        const atAll = objects.indexOf(old.object);
        if (at < 0 || atAll < 0) return undefined;
        list[at] = loaded.object;
        objects[atAll] = loaded.object;
        moves.push({ inUse, loaded });
      }
    }
    // Nothing above changed state: now take the new versions in, as #assembleAll does.
    for (const { rel, after } of edited) this.#contributed.set(rel, after.objects);
    for (const { inUse, loaded } of moves) {
      if (inUse.loaded.object !== loaded.object && !this.#stamped.has(loaded.object)) {
        replaced(inUse.history, inUse.loaded.object, loaded.object);
        this.#stamped.add(loaded.object);
      }
      inUse.before = inUse.loaded;
      inUse.loaded = loaded;
    }
    return { resources, diagnostics: previous.diagnostics, content: { objects, diagnostics: previous.content.diagnostics } };
  }

  #assembleAll(files: readonly FileRecord[], now: Date): Assembled {
    const pass = ++this.#pass;
    const stampedAt = kubernetesTime(now);
    const diagnostics: Diagnostic[] = [];
    const resources = emptyResourceSet();
    const objects: AnyObject[] = [];
    // The keys valid somewhere, needed only to decide whether a rejected object's last version stands in.
    const validKeys = files.some((file) => file.parse.rejected.length > 0 && !this.#keepsPrevious(file)) ? this.#validKeys(files) : new Set<string>();
    for (const file of files) {
      for (const diagnostic of file.parse.diagnostics) diagnostics.push(diagnostic);
      const contributed = this.#keepsPrevious(file)
        ? this.#keepPrevious(file, diagnostics)
        : this.#withLastValid(file, validKeys, pass, diagnostics);
      if (this.#contributed.get(file.rel) !== contributed) this.#contributed.set(file.rel, contributed);
      for (const loaded of contributed) {
        const inUse = this.#inUse.get(loaded.key);
        if (inUse?.pass === pass) {
          diagnostics.push(duplicateObject(loaded, inUse.loaded));
          continue;
        }
        if (inUse === undefined) {
          this.#inUse.set(loaded.key, { loaded, pass, before: undefined, history: this.#firstSeen(loaded.object, stampedAt) });
        } else {
          // A new version (or the same content read again): its generation is worked out, once.
          if (inUse.loaded.object !== loaded.object && !this.#stamped.has(loaded.object)) {
            replaced(inUse.history, inUse.loaded.object, loaded.object);
            this.#stamped.add(loaded.object);
          }
          inUse.before = inUse.loaded;
          inUse.loaded = loaded;
          inUse.pass = pass;
        }
        (resources[KIND_TO_FIELD[loaded.object.kind]] as AnyObject[]).push(loaded.object);
        objects.push(loaded.object);
      }
    }
    this.#forgetMissing(files, objects.length, pass);

    diagnostics.sort(compareDiagnostics);
    return { resources, diagnostics, content: { objects, diagnostics: JSON.stringify(diagnostics) } };
  }

  /**
   * True when `after` holds what `before` held: the same objects (content and
   * metadata) in the same order, and the same diagnostics. Objects that are
   * the same instances are equal without a look; others are compared by a
   * hash of their content, worked out once per object.
   */
  unchanged(before: Assembled | undefined, after: Assembled): boolean {
    if (before === undefined) return false;
    const a = before.content;
    const b = after.content;
    if (a.objects.length !== b.objects.length || a.diagnostics !== b.diagnostics) return false;
    return a.objects.every((object, i) => object === b.objects[i] || this.#hash(object) === this.#hash(b.objects[i] as AnyObject));
  }

  /** Drops what concerns files and objects gone since the last assembly (nothing to do when none are). */
  #forgetMissing(files: readonly FileRecord[], inUse: number, pass: number): void {
    if (this.#contributed.size > files.length) {
      const present = new Set(files.map((file) => file.rel));
      for (const rel of this.#contributed.keys()) if (!present.has(rel)) this.#contributed.delete(rel);
    }
    if (this.#inUse.size > inUse) {
      // Gone, with their history: one that comes back is a new object.
      for (const [key, entry] of this.#inUse) if (entry.pass !== pass) this.#inUse.delete(key);
    }
  }

  /** The history of an object whose key is new: stamped now, or (an object back after a gap) as stamped before. */
  #firstSeen(object: AnyObject, now: string): History {
    if (this.#stamped.has(object)) return { generation: object.metadata.generation ?? 1, creationTimestamp: object.metadata.creationTimestamp ?? now };
    this.#stamped.add(object);
    return firstSeen(object, now);
  }

  #hash(object: AnyObject): string {
    let hash = this.#hashes.get(object);
    if (hash === undefined) {
      hash = createHash('sha1').update(canonicalJSON(object)).digest('base64');
      this.#hashes.set(object, hash);
    }
    return hash;
  }

  #validKeys(files: readonly FileRecord[]): Set<string> {
    const keys = new Set<string>();
    for (const file of files) {
      if (!this.#keepsPrevious(file)) for (const loaded of file.parse.objects) keys.add(loaded.key);
    }
    return keys;
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
  #withLastValid(file: FileRecord, validKeys: Set<string>, pass: number, diagnostics: Diagnostic[]): LoadedObject[] {
    if (file.parse.rejected.length === 0) return file.parse.objects;
    const objects = [...file.parse.objects];
    for (const rejected of file.parse.rejected) {
      const key = `${rejected.kind}/${rejected.namespace ?? ''}/${rejected.name}`;
      const inUse = this.#inUse.get(key);
      // What the last assembly used (this one may already use something else, e.g. a broken file's kept object).
      const last = inUse?.pass === pass ? inUse.before : inUse?.loaded;
      if (last === undefined || validKeys.has(key)) continue;
      validKeys.add(key);
      objects.push({ object: last.object, source: rejected.source, key });
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
}
