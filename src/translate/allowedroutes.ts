// Listener.allowedRoutes: which namespaces and which route kinds may attach.
import type { Listener, RouteGroupKind } from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';
import { allowedRoutesFrom, routeGroupKindGroup } from './defaults.ts';
import { compileLabelSelector } from './labelselector.ts';
import type { ProtocolProfile } from './protocols.ts';
import type { ResourceIndex } from './resource-index.ts';

/**
 * Whether routes from a namespace may attach. Namespace labels are read from
 * the index of the snapshot being translated, so a policy stays valid for as
 * long as its listener does.
 */
export type NamespacePolicy = (routeNamespace: string, index: ResourceIndex) => boolean;

/** allowedRoutes.namespaces (default: Same), or why it cannot be used. */
export function compileNamespacePolicy(listener: Listener, gatewayNamespace: string): { ok: true; policy: NamespacePolicy } | { ok: false; message: string } {
  const from = allowedRoutesFrom(listener);
  switch (from) {
    case 'All':
      return { ok: true, policy: () => true };
    case 'Same':
      return { ok: true, policy: (namespace) => namespace === gatewayNamespace };
    case 'None':
      return { ok: true, policy: () => false };
    case 'Selector': {
      const selector = listener.allowedRoutes?.namespaces?.selector;
      if (selector === undefined) return { ok: false, message: 'allowedRoutes.namespaces.selector is required when from is Selector' };
      const compiled = compileLabelSelector(selector);
      if (!compiled.ok) return { ok: false, message: `allowedRoutes.namespaces.selector is invalid: ${compiled.error}` };
      return { ok: true, policy: (namespace, index) => compiled.matches(index.namespaceLabels(namespace)) };
    }
    default:
      return { ok: false, message: `allowedRoutes.namespaces.from "${String(from)}" is not one of All, Same, Selector` };
  }
}

/**
 * The route kinds a listener supports (ListenerStatus.supportedKinds): the
 * protocol's kinds, narrowed by allowedRoutes.kinds when given. Kinds the
 * protocol cannot carry are left out and reported (InvalidRouteKinds).
 */
export function supportedRouteKinds(listener: Listener, profile: ProtocolProfile): { kinds: Required<RouteGroupKind>[]; invalid: string[] } {
  const requested = listener.allowedRoutes?.kinds ?? [];
  if (requested.length === 0) return { kinds: profile.routeKinds.map((kind) => ({ group: GATEWAY_GROUP, kind })), invalid: [] };
  const kinds: Required<RouteGroupKind>[] = [];
  const invalid: string[] = [];
  for (const requestedKind of requested) {
    const group = routeGroupKindGroup(requestedKind);
    if (group === GATEWAY_GROUP && profile.routeKinds.includes(requestedKind.kind)) {
      if (!kinds.some((k) => k.kind === requestedKind.kind)) kinds.push({ group, kind: requestedKind.kind });
    } else {
      invalid.push(`${group === '' ? 'core' : group}/${requestedKind.kind}`);
    }
  }
  return { kinds, invalid };
}
