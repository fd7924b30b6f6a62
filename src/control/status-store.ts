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
// Both passes run over every object on every reload (5,000 routes: 5,000
// statuses), so neither builds a string or a map per object: an object's key
// is worked out once per object (and once per status update) and remembered,
// and the map of statuses persists, marked with the pass that last saw each
// entry (entries no pass saw are the statuses cleared).
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The kinds translate() writes statuses for; objects of other kinds pass through as they are. */
const STATUS_FIELDS: readonly (keyof ResourceSet)[] = ['gatewayClasses', 'gateways', 'httpRoutes', 'grpcRoutes', 'tlsRoutes', 'tcpRoutes', 'udpRoutes', 'backendTLSPolicies'];

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

interface Stored {
  update: StatusUpdate;
  /** The replace() that last saw this key. */
  pass: number;
}

/** An input object's key and the copy of it last handed out, with the status that copy carries. */
interface Attached {
  key: string;
  status: object | undefined;
  copy: AnyObject;
}

export class StatusStore {
  readonly #byKey = new Map<string, Stored>();
  #pass = 0;
  readonly #updateKeys = new WeakMap<StatusUpdate, string>();
  readonly #attached = new WeakMap<AnyObject, Attached>();

  /** Takes this run's statuses; returns what changed against the last run's. */
  replace(statuses: readonly StatusUpdate[]): StatusWrites {
    const pass = ++this.#pass;
    const writes: StatusWrites = { written: 0, cleared: 0, keys: [] };
    for (const update of statuses) {
      const key = this.#keyOfUpdate(update);
      const stored = this.#byKey.get(key);
      if (stored === undefined) this.#byKey.set(key, { update, pass });
      else {
        stored.pass = pass;
        const before = stored.update;
        stored.update = update;
        if (before === update || JSON.stringify(before.status) === JSON.stringify(update.status)) continue;
      }
      writes.written++;
      if (writes.keys.length < MAX_KEYS) writes.keys.push(key);
    }
    if (this.#byKey.size > statuses.length) {
      for (const [key, stored] of this.#byKey) {
        if (stored.pass === pass) continue;
        this.#byKey.delete(key);
        writes.cleared++;
      }
    }
    return writes;
  }

  /** A copy of `resources` whose objects carry the last status written for them. */
  attachTo(resources: ResourceSet): ResourceSet {
    if (this.#byKey.size === 0) return resources;
    const copy = { ...resources };
    for (const field of STATUS_FIELDS) {
      const objects = resources[field];
      if (objects.length === 0) continue;
      const attached = new Array<AnyObject>(objects.length);
      for (let i = 0; i < objects.length; i++) attached[i] = this.#attach(objects[i] as AnyObject);
      (copy as Record<keyof ResourceSet, AnyObject[]>)[field] = attached;
    }
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

  #attach(object: AnyObject): AnyObject {
    let attached = this.#attached.get(object);
    if (attached === undefined) {
      // Statuses name namespaced objects with their namespace defaulted, as translate() reads them.
      const namespace = object.kind === 'GatewayClass' ? undefined : (object.metadata.namespace ?? 'default');
      attached = { key: keyOf(object.kind, namespace, object.metadata.name), status: undefined, copy: object };
      this.#attached.set(object, attached);
    }
    const status = this.#byKey.get(attached.key)?.update.status;
    if (status !== attached.status) {
      attached.status = status;
      attached.copy = status === undefined ? object : ({ ...object, status } as AnyObject);
    }
    return attached.copy;
  }
}
