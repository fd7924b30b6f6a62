// Gateways judged once per Gateway object: while a Gateway is the same object,
// and so are the ListenerSets naming it (and, for allowedListeners, the labels
// of their namespaces), its context (listeners, conflicts, acceptance) is the
// one worked out before, so the routes attached to its listeners can keep
// their attachments too (route-outcome.ts compares the contexts by identity).
// When only its ListenerSets changed, the context stays the same object and
// only the ListenerSets that changed (or that precedence now judges
// otherwise) are judged again: one edit among thousands costs one set.
import type { Gateway, ListenerSet } from '../model/gatewayapi.ts';
import { namespaceOf } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import { evaluateGateway } from './gateway.ts';
import type { Labels } from './labelselector.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { compareListenerSets, evaluateListenerSets, listenerSetParent } from './listenerset.ts';
import type { ResourceIndex } from './resource-index.ts';

/** What a ListenerSet contributed: its spec and metadata, and its namespace's labels. */
interface SetBasis {
  spec: object;
  metadata: object;
  labels: Labels;
}

interface Entry {
  spec: object;
  metadata: object;
  sets: SetBasis[];
  context: GatewayContext;
}

const NO_SETS: readonly ListenerSet[] = [];

/** ListenerSets by the Gateway they name ("gateway/<ns>/<name>"), each list in precedence order. */
export function listenerSetsByGateway(listenerSets: readonly ListenerSet[]): Map<string, ListenerSet[]> {
  const byGateway = new Map<string, ListenerSet[]>();
  const seen = new Set<string>();
  for (const listenerSet of listenerSets) {
    // Several objects of one namespace and name: the first counts (as for Gateways and routes).
    const key = `${namespaceOf(listenerSet.metadata)}/${listenerSet.metadata.name}`;
    const parent = listenerSetParent(listenerSet);
    if (seen.has(key) || parent === undefined) continue;
    seen.add(key);
    const list = byGateway.get(parent);
    if (list === undefined) byGateway.set(parent, [listenerSet]);
    else list.push(listenerSet);
  }
  for (const list of byGateway.values()) list.sort(compareListenerSets);
  return byGateway;
}

function sameSets(a: readonly SetBasis[], b: readonly SetBasis[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as SetBasis;
    const y = b[i] as SetBasis;
    if (x.spec !== y.spec || x.metadata !== y.metadata || x.labels !== y.labels) return false;
  }
  return true;
}

/**
 * The same Gateway with other ListenerSets (one edited, added or removed):
 * its context stays the same object, with its own listeners (routes naming
 * the Gateway attach to those only, GEP-1713, so they keep their
 * attachments), and each ListenerSet whose object and namespace labels are
 * the same as before keeps its context unless precedence now judges it
 * otherwise (listenerset.ts): one edit judges one ListenerSet again.
 */
function reviseListenerSets(entry: Entry, gateway: Gateway, objects: readonly ListenerSet[], sets: readonly SetBasis[], index: ResourceIndex): GatewayContext {
  const context = entry.context;
  const before = new Map<string, { basis: SetBasis; set: ListenerSetContext }>();
  entry.sets.forEach((basis, i) => {
    const set = context.listenerSets[i];
    if (set !== undefined) before.set(`${set.namespace}/${set.name}`, { basis, set });
  });
  const basisOf = new Map<ListenerSet, SetBasis>(objects.map((object, i) => [object, sets[i] as SetBasis]));
  const revised = evaluateListenerSets(gateway, context.namespace, context.listeners, objects, index, (object) => {
    const found = before.get(`${namespaceOf(object.metadata)}/${object.metadata.name}`);
    const basis = basisOf.get(object);
    if (found === undefined || basis === undefined) return undefined;
    return found.basis.spec === basis.spec && found.basis.metadata === basis.metadata && found.basis.labels === basis.labels ? found.set : undefined;
  });
  context.gateway = gateway;
  context.listenerSets = revised;
  context.allListeners = revised.some((set) => set.listeners.length > 0) ? [...context.listeners, ...revised.flatMap((set) => set.listeners)] : context.listeners;
  return context;
}

export class GatewayMemo {
  #entries = new Map<string, Entry>();

  /**
   * Contexts by irName, from Gateways in the order given (the first of a name
   * wins); `unchanged` when they are the same contexts as last time.
   */
  evaluate(
    gateways: readonly Gateway[],
    listenerSets: ReadonlyMap<string, readonly ListenerSet[]>,
    index: ResourceIndex,
  ): { contexts: Map<string, GatewayContext>; unchanged: boolean } {
    const contexts = new Map<string, GatewayContext>();
    const next = new Map<string, Entry>();
    let unchanged = true;
    for (const gateway of gateways) {
      const irName = `gateway/${namespaceOf(gateway.metadata)}/${gateway.metadata.name}`;
      if (contexts.has(irName)) continue;
      const objects = listenerSets.get(irName) ?? NO_SETS;
      const sets = objects.map((set) => ({ spec: set.spec, metadata: set.metadata, labels: index.namespaceLabels(namespaceOf(set.metadata)) }));
      const entry = this.#entries.get(irName);
      let context: GatewayContext;
      if (entry !== undefined && entry.spec === gateway.spec && entry.metadata === gateway.metadata && sameSets(entry.sets, sets)) {
        context = entry.context;
        // The same objects, perhaps with the status written last time (read as the previous status).
        context.gateway = gateway;
        context.listenerSets.forEach((set, i) => (set.listenerSet = objects[i] as ListenerSet));
      } else if (entry !== undefined && entry.spec === gateway.spec && entry.metadata === gateway.metadata) {
        context = reviseListenerSets(entry, gateway, objects, sets, index);
        unchanged = false;
      } else {
        context = evaluateGateway(gateway, objects, index);
        unchanged = false;
      }
      contexts.set(irName, context);
      next.set(irName, { spec: gateway.spec, metadata: gateway.metadata, sets, context });
    }
    if (next.size !== this.#entries.size) unchanged = false;
    this.#entries = next;
    return { contexts, unchanged };
  }
}
