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
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The kinds translate() writes statuses for; objects of other kinds pass through as they are. */
const STATUS_FIELDS: readonly (keyof ResourceSet)[] = ['gatewayClasses', 'gateways', 'httpRoutes', 'grpcRoutes', 'tlsRoutes', 'tcpRoutes', 'udpRoutes'];

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

export class StatusStore {
  #byKey = new Map<string, StatusUpdate>();
  readonly #copies = new WeakMap<object, { status: object; copy: AnyObject }>();

  /** Takes this run's statuses; returns what changed against the last run's. */
  replace(statuses: readonly StatusUpdate[]): StatusWrites {
    const previous = this.#byKey;
    const next = new Map<string, StatusUpdate>();
    const writes: StatusWrites = { written: 0, cleared: 0, keys: [] };
    for (const update of statuses) {
      const key = keyOf(update.kind, update.metadata.namespace, update.metadata.name);
      next.set(key, update);
      const before = previous.get(key);
      if (before === update || (before !== undefined && JSON.stringify(before.status) === JSON.stringify(update.status))) continue;
      writes.written++;
      if (writes.keys.length < MAX_KEYS) writes.keys.push(key);
    }
    for (const key of previous.keys()) if (!next.has(key)) writes.cleared++;
    this.#byKey = next;
    return writes;
  }

  all(): StatusUpdate[] {
    return [...this.#byKey.values()];
  }

  /** A copy of `resources` whose objects carry the last status written for them. */
  attachTo(resources: ResourceSet): ResourceSet {
    if (this.#byKey.size === 0) return resources;
    const copy = { ...resources };
    for (const field of STATUS_FIELDS) {
      (copy as Record<keyof ResourceSet, AnyObject[]>)[field] = resources[field].map((object) => this.#attach(object));
    }
    return copy;
  }

  #attach(object: AnyObject): AnyObject {
    // Statuses name namespaced objects with their namespace defaulted, as translate() reads them.
    const namespace = object.kind === 'GatewayClass' ? undefined : (object.metadata.namespace ?? 'default');
    const status = this.#byKey.get(keyOf(object.kind, namespace, object.metadata.name))?.status;
    if (status === undefined) return object;
    const cached = this.#copies.get(object);
    if (cached?.status === status) return cached.copy;
    const attached = { ...object, status } as AnyObject;
    this.#copies.set(object, { status, copy: attached });
    return attached;
  }
}
