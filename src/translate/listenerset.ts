// ListenerSets (GEP-1713, apis/v1 listenerset_types.go): more listeners for a
// Gateway, written in other objects, often in other namespaces.
//
// A ListenerSet names its Gateway in spec.parentRef; the Gateway takes it only
// when spec.allowedListeners.namespaces allows the ListenerSet's namespace
// (From None, the default; Same; All; Selector over namespace labels).
// Taken ListenerSets merge their listeners into the Gateway's in precedence
// order: the Gateway's own first, then ListenerSets by creationTimestamp
// (oldest first), then by "{namespace}/{name}". Within one ListenerSet,
// listeners that are not distinct all conflict (as within a Gateway); a
// listener that is not distinct from one higher in precedence loses
// (Conflicted) and the earlier one keeps serving.
//
// A ListenerSet without creationTimestamp (file mode, hand-written YAML)
// sorts as the oldest, so such ListenerSets are ordered by name.
import type { Gateway, ListenerSet } from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';
import { ClaimedPorts, markConflicts } from './conflicts.ts';
import { namespaceOf } from './defaults.ts';
import type { Labels } from './labelselector.ts';
import { compileLabelSelector } from './labelselector.ts';
import type { ListenerContext } from './listener.ts';
import { evaluateListener } from './listener.ts';
import type { ResourceIndex } from './resource-index.ts';

export interface ListenerSetContext {
  /** The object (its status is the previous status); replaced when only its status changed. */
  listenerSet: ListenerSet;
  namespace: string;
  name: string;
  /** The Gateway it names: "gateway/<ns>/<name>". */
  gatewayIrName: string;
  /** Why the Gateway does not take it (Accepted=False NotAllowed); undefined when taken. */
  notAllowed: string | undefined;
  /** Its listeners, merged into the Gateway's; empty when not taken. */
  listeners: ListenerContext[];
  /** Per listener, the conflict with another listener of the set itself (before precedence against other sets). */
  ownConflicts: ListenerContext['conflict'][];
}

/** "gateway/<ns>/<name>" of the Gateway a ListenerSet's parentRef names; undefined for another kind. */
export function listenerSetParent(listenerSet: ListenerSet): string | undefined {
  const ref = listenerSet.spec.parentRef;
  if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return undefined;
  const namespace = ref.namespace === undefined || ref.namespace === '' ? namespaceOf(listenerSet.metadata) : ref.namespace;
  return `gateway/${namespace}/${ref.name}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence among ListenerSets: older first, then "{namespace}/{name}". */
export function compareListenerSets(a: ListenerSet, b: ListenerSet): number {
  return (
    compareText(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
    compareText(namespaceOf(a.metadata), namespaceOf(b.metadata)) ||
    compareText(a.metadata.name, b.metadata.name)
  );
}

/**
 * Whether the Gateway takes ListenerSets from a namespace
 * (GatewaySpec.allowedListeners; the default allows none): undefined when it
 * does, else why not. `labels` reads a namespace's labels.
 */
export function listenerSetNotAllowed(gateway: Gateway, gatewayNamespace: string, namespace: string, labels: (namespace: string) => Labels): string | undefined {
  const policy = gateway.spec.allowedListeners?.namespaces;
  const from = policy?.from ?? 'None';
  switch (from) {
    case 'All':
      return undefined;
    case 'Same':
      return namespace === gatewayNamespace ? undefined : `the Gateway allows ListenerSets from its own namespace (${gatewayNamespace}) only`;
    case 'Selector': {
      if (policy?.selector === undefined) return 'the Gateway allows ListenerSets from namespaces its selector matches, and has no selector';
      const compiled = compileLabelSelector(policy.selector);
      if (!compiled.ok) return `the Gateway's allowedListeners selector is invalid: ${compiled.error}`;
      return compiled.matches(labels(namespace)) ? undefined : `namespace ${namespace} is not selected by the Gateway's allowedListeners selector`;
    }
    default:
      return 'the Gateway allows no ListenerSets (spec.allowedListeners.namespaces.from is None, the default)';
  }
}

/**
 * Whether a ListenerSet judged before (from the same object, Gateway and
 * namespace labels) comes out the same after the sets before it in
 * precedence: its listeners' conflicts are what `claimed` would mark now.
 */
function stillHolds(context: ListenerSetContext, claimed: ClaimedPorts): boolean {
  return context.listeners.every((listener, i) => {
    const expected = context.ownConflicts[i] ?? claimed.conflictOf(listener);
    return expected?.reason === listener.conflict?.reason && expected?.message === listener.conflict?.message;
  });
}

/**
 * The ListenerSets naming a Gateway (in precedence order), judged and merged
 * after the Gateway's own listeners, whose conflicts are already marked.
 * `previous` offers a set's context from an earlier run when the set, the
 * Gateway and the set's namespace labels are the same objects as then; it is
 * kept (the same object, so routes attached to it keep their attachments)
 * while the precedence conflicts come out the same, so editing one of
 * thousands of ListenerSets judges that one again.
 */
export function evaluateListenerSets(
  gateway: Gateway,
  gatewayNamespace: string,
  gatewayListeners: readonly ListenerContext[],
  listenerSets: readonly ListenerSet[],
  index: ResourceIndex,
  previous?: (listenerSet: ListenerSet) => ListenerSetContext | undefined,
): ListenerSetContext[] {
  const gatewayName = gateway.metadata.name;
  const claimed = new ClaimedPorts();
  claimed.claim(gatewayListeners);
  return listenerSets.map((listenerSet) => {
    const kept = previous?.(listenerSet);
    if (kept !== undefined && stillHolds(kept, claimed)) {
      kept.listenerSet = listenerSet;
      claimed.claim(kept.listeners);
      return kept;
    }
    const namespace = namespaceOf(listenerSet.metadata);
    const name = listenerSet.metadata.name;
    const notAllowed = listenerSetNotAllowed(gateway, gatewayNamespace, namespace, (ns) => index.namespaceLabels(ns));
    const context: ListenerSetContext = { listenerSet, namespace, name, gatewayIrName: `gateway/${gatewayNamespace}/${gatewayName}`, notAllowed, listeners: [], ownConflicts: [] };
    if (notAllowed !== undefined) return context;
    const owner = { kind: 'ListenerSet' as const, namespace, name };
    context.listeners = listenerSet.spec.listeners.map((listener) => evaluateListener(listener, gatewayNamespace, gatewayName, owner));
    markConflicts(context.listeners);
    context.ownConflicts = context.listeners.map((listener) => listener.conflict);
    claimed.markLosers(context.listeners);
    claimed.claim(context.listeners);
    return context;
  });
}
