// Route → Gateway or ListenerSet attachment for one parentRef (CommonRouteSpec.parentRefs,
// ParentReference.sectionName/port, Listener.allowedRoutes, the route kinds'
// hostnames). The checks run in the order a user fixes them:
//   1. the parentRef selects listeners (sectionName, port)  → NoMatchingParent
//   2. one of them allows the route's kind and namespace    → NotAllowedByListeners
//   3. one of those shares a hostname with the route        → NoMatchingListenerHostname
// Listener status does not matter (ListenerStatus.attachedRoutes): a route
// attaches to a conflicted listener too; only the IR leaves that listener out.
//
// A parentRef naming a Gateway reaches the Gateway's own listeners only; one
// naming a ListenerSet reaches that ListenerSet's (GEP-1713, "Route
// Attachment": the direct parent's listeners are the relevant ones).
import type { ParentReference } from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';
import { parentRefGroup, parentRefKind, parentRefNamespace } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import { ANY_HOST, effectiveHostnames } from './hostname.ts';
import type { ListenerContext } from './listener.ts';
import type { ListenerSetContext } from './listenerset.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { RouteInfo } from './route-model.ts';
import type { RouteRejectionReason } from './status/reasons.ts';
import { RouteReason } from './status/reasons.ts';

export interface ListenerAttachment {
  listener: ListenerContext;
  /** The host patterns the route serves through this listener (hostname.ts). */
  hostnames: string[];
}

export type ParentAttachment =
  | { attached: true; listeners: ListenerAttachment[] }
  | { attached: false; reason: RouteRejectionReason; message: string };

/** A parent a route can name: a Gateway, or a ListenerSet of one. */
export type RouteParentContext = GatewayContext | ListenerSetContext;

/** The managed Gateway a parentRef points at, if any ("gateway/<ns>/<name>" keys). */
export function parentGateway(ref: ParentReference, routeNamespace: string, gateways: ReadonlyMap<string, GatewayContext>): GatewayContext | undefined {
  if (parentRefGroup(ref) !== GATEWAY_GROUP || parentRefKind(ref) !== 'Gateway') return undefined;
  return gateways.get(`gateway/${parentRefNamespace(ref, routeNamespace)}/${ref.name}`);
}

/** The managed Gateway, or ListenerSet of one ("<ns>/<name>" keys), a parentRef points at, if any. */
export function routeParent(
  ref: ParentReference,
  routeNamespace: string,
  gateways: ReadonlyMap<string, GatewayContext>,
  listenerSets: ReadonlyMap<string, ListenerSetContext>,
): RouteParentContext | undefined {
  if (parentRefGroup(ref) === GATEWAY_GROUP && parentRefKind(ref) === 'ListenerSet') return listenerSets.get(`${parentRefNamespace(ref, routeNamespace)}/${ref.name}`);
  return parentGateway(ref, routeNamespace, gateways);
}

/** `index` answers the namespace label lookups of allowedRoutes selectors. */
export function attachToParent(route: RouteInfo, ref: ParentReference, parent: RouteParentContext, index: ResourceIndex): ParentAttachment {
  if ('gateway' in parent) return attachToGateway(route, ref, parent, index);
  const label = `ListenerSet ${parent.namespace}/${parent.name}`;
  if (parent.notAllowed !== undefined) {
    return { attached: false, reason: RouteReason.NoMatchingParent, message: `${label} is not attached to its Gateway: ${parent.notAllowed}` };
  }
  return attachToListeners(route, ref, label, parent.listeners, index);
}

function describeRef(ref: ParentReference): string {
  const parts = [ref.sectionName === undefined ? undefined : `sectionName ${ref.sectionName}`, ref.port === undefined ? undefined : `port ${ref.port}`];
  return parts.filter((p) => p !== undefined).join(' and ');
}

const HOSTNAME_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

/** `index` answers the namespace label lookups of allowedRoutes selectors. */
export function attachToGateway(route: RouteInfo, ref: ParentReference, gateway: GatewayContext, index: ResourceIndex): ParentAttachment {
  return attachToListeners(route, ref, `Gateway ${gateway.namespace}/${gateway.name}`, gateway.listeners, index);
}

/** `label` names the parent in messages ("Gateway ns/name"). */
function attachToListeners(route: RouteInfo, ref: ParentReference, label: string, candidates: readonly ListenerContext[], index: ResourceIndex): ParentAttachment {
  const selected = candidates.filter(
    (l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
  );
  if (selected.length === 0) {
    const wanted = ref.sectionName === undefined && ref.port === undefined ? 'listeners' : `listener with ${describeRef(ref)}`;
    return { attached: false, reason: RouteReason.NoMatchingParent, message: `${label} has no ${wanted}` };
  }

  const allowed = selected.filter((l) => l.supportedKinds.some((k) => k.kind === route.kind) && l.allowsNamespace(route.namespace, index));
  if (allowed.length === 0) {
    const kindAllowed = selected.some((l) => l.supportedKinds.some((k) => k.kind === route.kind));
    const message = kindAllowed
      ? `no listener of ${label} selected by this parentRef allows routes from namespace ${route.namespace}`
      : `no listener of ${label} selected by this parentRef allows ${route.kind}`;
    return { attached: false, reason: RouteReason.NotAllowedByListeners, message };
  }

  const listeners: ListenerAttachment[] = [];
  for (const listener of allowed) {
    const hostnames = HOSTNAME_KINDS.has(route.kind) ? effectiveHostnames(listener.hostname, route.hostnames) : [ANY_HOST];
    if (hostnames.length > 0) listeners.push({ listener, hostnames });
  }
  if (listeners.length === 0) {
    return {
      attached: false,
      reason: RouteReason.NoMatchingListenerHostname,
      message: `no hostname of the route (${route.hostnames.join(', ')}) matches a listener hostname (${allowed.map((l) => l.hostname ?? ANY_HOST).join(', ')})`,
    };
  }
  return { attached: true, listeners };
}
