// Keeps the statuses translate() computed last time and hands them back on the
// next run, so conditions that did not change keep their lastTransitionTime
// (translate is pure: it reads the previous status from the input objects). In
// a cluster the API server plays this part; in file mode the YAML has no status.
//
// It counts the statuses each run wrote: those that differ from the object's
// previous status (the Translator hands back the very same object for a status
// that did not change, so most are told apart without a look). And it keeps
// identity: an object whose status did not change gets the same copy as last
// time, so the Translator sees an unchanged object as unchanged.
//
// Both passes run on every reload, over lists of every object (40,000 routes:
// 40,000 statuses), while a reload changes a few: so replace() walks the new
// list beside the last one and looks only at the statuses that are not the
// very objects at the same place, and attachTo() hands each object at the
// same place as last time the same copy unless its key's status changed
// since; what is left (the changes) is looked up by key.
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The kinds translate() writes statuses for; objects of other kinds pass through as they are. */
const STATUS_FIELDS: readonly (keyof ResourceSet)[] = ['gatewayClasses', 'gateways', 'listenerSets', 'httpRoutes', 'grpcRoutes', 'tlsRoutes', 'tcpRoutes', 'udpRoutes', 'backendTLSPolicies'];

/** What a replace() wrote. */
export interface StatusWrites {
  /** Statuses that are new or differ from the previous one. */
  written: number;
  /** Objects whose status is gone (the object, or Portico's interest in it). */
  cleared: number;
  /** Some of the written ones' keys ("Kind/namespace/name"), for the log. */
  keys: string[];
}

const MAX_KEYS = 10;

/** An input object's key and the copy of it last handed out, with the status that copy carries. */
interface Attached {
  key: string;
  status: object | undefined;
  copy: AnyObject;
}

/** One field of the last ResourceSet attached to: its objects, their records, and the list handed out. */
interface AttachedField {
  input: readonly AnyObject[];
  records: Attached[];
  output: AnyObject[];
}

export class StatusStore {
  readonly #byKey = new Map<string, StatusUpdate>();
  /** The statuses of the last replace(), in its order. */
  #last: readonly StatusUpdate[] = [];
  /** Keys whose status changed (by identity) since the last attachTo(). */
  readonly #dirty = new Set<string>();
  readonly #fields = new Map<keyof ResourceSet, AttachedField>();
  readonly #updateKeys = new WeakMap<StatusUpdate, string>();
  readonly #attached = new WeakMap<AnyObject, Attached>();

  /** Takes this run's statuses; returns what changed against the last run's. */
  replace(statuses: readonly StatusUpdate[]): StatusWrites {
    const { added, left } = differences(this.#last, statuses);
    this.#last = statuses;
    const writes: StatusWrites = { written: 0, cleared: 0, keys: [] };
    const addedKeys = new Set<string>();
    for (const update of added) {
      const key = this.#keyOfUpdate(update);
      addedKeys.add(key);
      const before = this.#byKey.get(key);
      this.#byKey.set(key, update);
      if (before?.status !== update.status) this.#dirty.add(key);
      if (before !== undefined && (before === update || JSON.stringify(before.status) === JSON.stringify(update.status))) continue;
      writes.written++;
      if (writes.keys.length < MAX_KEYS) writes.keys.push(key);
    }
    for (const update of left) {
      const key = this.#keyOfUpdate(update);
      if (addedKeys.has(key) || this.#byKey.get(key) !== update) continue;
      this.#byKey.delete(key);
      this.#dirty.add(key);
      writes.cleared++;
    }
    return writes;
  }

  /** A copy of `resources` whose objects carry the last status written for them. */
  attachTo(resources: ResourceSet): ResourceSet {
    if (this.#byKey.size === 0) {
      this.#fields.clear();
      this.#dirty.clear();
      return resources;
    }
    const copy = { ...resources };
    const dirty = this.#dirty;
    for (const field of STATUS_FIELDS) {
      const objects = resources[field];
      if (objects.length === 0) continue;
      const last = this.#fields.get(field);
      const records = new Array<Attached>(objects.length);
      const output = new Array<AnyObject>(objects.length);
      let same = last !== undefined && last.input.length === objects.length;
      for (let i = 0; i < objects.length; i++) {
        const object = objects[i] as AnyObject;
        let record = last?.input[i] === object ? last.records[i] : undefined;
        if (record === undefined || (dirty.size > 0 && dirty.has(record.key))) record = this.#attach(object);
        records[i] = record;
        output[i] = record.copy;
        if (same && record.copy !== last?.output[i]) same = false;
      }
      // Nothing changed in this field: the very list handed out last time.
      const list = same && last !== undefined ? last.output : output;
      this.#fields.set(field, { input: objects, records, output: list });
      (copy as Record<keyof ResourceSet, AnyObject[]>)[field] = list;
    }
    dirty.clear();
    return copy;
  }

  #keyOfUpdate(update: StatusUpdate): string {
    let key = this.#updateKeys.get(update);
    if (key === undefined) {
      key = keyOf(update.kind, update.metadata.namespace, update.metadata.name);
      this.#updateKeys.set(update, key);
    }
    return key;
  }

  #attach(object: AnyObject): Attached {
    let attached = this.#attached.get(object);
    if (attached === undefined) {
      // Statuses name namespaced objects with their namespace defaulted, as translate() reads them.
      const namespace = object.kind === 'GatewayClass' ? undefined : (object.metadata.namespace ?? 'default');
      attached = { key: keyOf(object.kind, namespace, object.metadata.name), status: undefined, copy: object };
      this.#attached.set(object, attached);
    }
    const status = this.#byKey.get(attached.key)?.status;
    if (status !== attached.status) {
      attached.status = status;
      attached.copy = status === undefined ? object : ({ ...object, status } as AnyObject);
    }
    return attached;
  }
}

/**
 * The statuses of `next` that are not the very objects of `last` (`added`),
 * and those of `last` not kept (`left`), found by walking both lists side by
 * side: most are the same objects in the same order, so this costs a
 * comparison each. One status added, removed or replaced at a place is
 * stepped over; where the lists part for longer, what differs is listed as
 * added and left (the caller compares those by key).
 */
export function differences(last: readonly StatusUpdate[], next: readonly StatusUpdate[]): { added: StatusUpdate[]; left: StatusUpdate[] } {
  const added: StatusUpdate[] = [];
  const left: StatusUpdate[] = [];
  let i = 0;
  let j = 0;
  while (i < next.length && j < last.length) {
    const now = next[i] as StatusUpdate;
    const before = last[j] as StatusUpdate;
    if (now === before) {
      i++;
      j++;
    } else if (next[i + 1] === before) {
      added.push(now);
      i++;
    } else if (last[j + 1] === now) {
      left.push(before);
      j++;
    } else {
      added.push(now);
      left.push(before);
      i++;
      j++;
    }
  }
  for (; i < next.length; i++) added.push(next[i] as StatusUpdate);
  for (; j < last.length; j++) left.push(last[j] as StatusUpdate);
  return { added, left };
}
