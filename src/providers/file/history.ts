// What the API server would record about each object: metadata.generation
// (1 on create, +1 whenever anything outside metadata and status changes) and
// metadata.creationTimestamp (kept from the file when given, else the time
// the provider first saw the object). Both survive reloads, so route
// precedence (oldest first) and status observedGeneration mean in file mode
// what they mean in a cluster. An object that disappears is forgotten: if it
// comes back, it is a new object, as after a delete and create.
//
// Nothing is hashed until an object is replaced by a new version: loading
// 40,000 objects compares nothing, and a change compares the one object it
// touched with its previous version.
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../../lib/canonical-json.ts';
import { objectKey } from '../../load/index.ts';
import type { AnyObject } from '../../model/resources.ts';

interface Entry {
  /** The version last stamped. */
  object: AnyObject;
  /** Its hash outside metadata, once worked out. */
  specHash?: string;
  generation: number;
  creationTimestamp: string;
}

export class ObjectHistory {
  readonly #entries = new Map<string, Entry>();
  /** Objects already stamped (kept objects are stamped once and reused unchanged). */
  readonly #stamped = new WeakSet<object>();

  /** Sets metadata.generation and metadata.creationTimestamp on a newly read object; `now` as Kubernetes writes times. */
  stamp(object: AnyObject, now: string, key = objectKey(object)): void {
    if (this.#stamped.has(object)) return;
    this.#stamped.add(object);
    const previous = this.#entries.get(key);
    let entry: Entry;
    if (previous === undefined) {
      entry = { object, generation: 1, creationTimestamp: object.metadata.creationTimestamp ?? now };
    } else {
      previous.specHash ??= hashOutsideMetadata(previous.object);
      const specHash = hashOutsideMetadata(object);
      entry = {
        object,
        specHash,
        generation: previous.specHash === specHash ? previous.generation : previous.generation + 1,
        creationTimestamp: object.metadata.creationTimestamp ?? previous.creationTimestamp,
      };
    }
    this.#entries.set(key, entry);
    object.metadata.generation = entry.generation;
    object.metadata.creationTimestamp = entry.creationTimestamp;
  }

  /** Forgets the object of `key` (it is gone: if it comes back, it is a new object). */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}

/** The part of an object that generation tracks: everything but apiVersion, metadata and status. */
function hashOutsideMetadata(object: AnyObject): string {
  const { apiVersion: _apiVersion, metadata: _metadata, ...rest } = object as AnyObject & { status?: unknown };
  delete (rest as { status?: unknown }).status;
  return createHash('sha1').update(canonicalJSON(rest)).digest('base64');
}

/** RFC 3339 with whole seconds, as Kubernetes writes metav1.Time. */
export function kubernetesTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
