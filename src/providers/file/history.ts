// What the API server would record about each object: metadata.generation
// (1 on create, +1 whenever anything outside metadata and status changes) and
// metadata.creationTimestamp (kept from the file when given, else the time
// the provider first saw the object). Both survive reloads, so route
// precedence (oldest first) and status observedGeneration mean in file mode
// what they mean in a cluster. An object that disappears is forgotten: if it
// comes back, it is a new object, as after a delete and create. The history
// of each object in use is kept with it by assemble.ts.
//
// Nothing is hashed until an object is replaced by a new version: loading
// 40,000 objects compares nothing, and a change compares the one object it
// touched with its previous version.
import { createHash } from 'node:crypto';
import { canonicalJSON } from '../../lib/canonical-json.ts';
import type { AnyObject } from '../../model/resources.ts';

export interface History {
  generation: number;
  creationTimestamp: string;
  /** The hash outside metadata of the version last stamped, once worked out. */
  specHash?: string;
}

/** The history of an object seen for the first time (`now` as Kubernetes writes times); stamps the object. */
export function firstSeen(object: AnyObject, now: string): History {
  const history: History = { generation: 1, creationTimestamp: object.metadata.creationTimestamp ?? now };
  stamp(object, history);
  return history;
}

/** Moves `history` on to `object`, a new version of `previous`; stamps the object. */
export function replaced(history: History, previous: AnyObject, object: AnyObject): void {
  history.specHash ??= hashOutsideMetadata(previous);
  const specHash = hashOutsideMetadata(object);
  if (specHash !== history.specHash) history.generation++;
  history.specHash = specHash;
  history.creationTimestamp = object.metadata.creationTimestamp ?? history.creationTimestamp;
  stamp(object, history);
}

function stamp(object: AnyObject, history: History): void {
  object.metadata.generation = history.generation;
  object.metadata.creationTimestamp = history.creationTimestamp;
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
