// Keeps the statuses translate() computed last time and hands them back on the
// next run, so conditions that did not change keep their lastTransitionTime
// (translate is pure: it reads the previous status from the input objects). In
// a cluster the API server plays this part; in file mode the YAML has no status.
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class StatusStore {
  #byKey = new Map<string, StatusUpdate>();

  replace(statuses: StatusUpdate[]): void {
    this.#byKey = new Map(statuses.map((s) => [keyOf(s.kind, s.metadata.namespace, s.metadata.name), s]));
  }

  all(): StatusUpdate[] {
    return [...this.#byKey.values()];
  }

  /** A copy of `resources` whose objects carry the last status written for them. */
  attachTo(resources: ResourceSet): ResourceSet {
    if (this.#byKey.size === 0) return resources;
    const attach = (objects: readonly AnyObject[]): AnyObject[] =>
      objects.map((object) => {
        const previous = this.#byKey.get(keyOf(object.kind, object.metadata.namespace, object.metadata.name));
        return previous ? ({ ...object, status: previous.status } as AnyObject) : object;
      });
    const copy = { ...resources };
    for (const field of Object.keys(copy) as (keyof ResourceSet)[]) {
      (copy as Record<keyof ResourceSet, AnyObject[]>)[field] = attach(resources[field]);
    }
    return copy;
  }
}
