// One listener, judged on its own: protocol support, hostname, which route
// kinds and namespaces may attach. Conflicts between listeners are decided
// afterwards (conflicts.ts) over the whole set, so listeners from ListenerSets
// can join the same set later.
import type { Listener, RouteGroupKind } from '../model/gatewayapi.ts';
import type { NamespacePolicy } from './allowedroutes.ts';
import { compileNamespacePolicy, supportedRouteKinds } from './allowedroutes.ts';
import type { ProtocolProfile } from './protocols.ts';
import { protocolProfile } from './protocols.ts';
import type { ListenerConflictReason } from './status/reasons.ts';
import { ListenerReason } from './status/reasons.ts';

/** Hostname (apis/v1 shared_types.go): lowercase RFC 1123, optional leading "*." label. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface ListenerProblem<R extends string = string> {
  reason: R;
  message: string;
}

export interface ListenerContext {
  gatewayNamespace: string;
  gatewayName: string;
  spec: Listener;
  name: string;
  port: number;
  protocol: string;
  /** Lowercase; undefined when the listener matches any host. */
  hostname: string | undefined;
  /** "gateway/<ns>/<name>/listener/<sectionName>" */
  irName: string;
  profile: ProtocolProfile | undefined;
  supportedKinds: Required<RouteGroupKind>[];
  /** allowedRoutes.kinds entries the protocol cannot carry (ResolvedRefs=False/InvalidRouteKinds). */
  invalidKinds: string[];
  allowsNamespace: NamespacePolicy;
  /** Why the listener itself is not accepted (Accepted=False). */
  rejection: ListenerProblem | undefined;
  /** Set by conflict detection (Conflicted=True, Accepted=False). */
  conflict: ListenerProblem<ListenerConflictReason> | undefined;
  /** Routes whose parent status on this listener's Gateway is Accepted=True. */
  attachedRoutes: number;
}

export function evaluateListener(listener: Listener, gatewayNamespace: string, gatewayName: string): ListenerContext {
  const profile = protocolProfile(listener.protocol);
  const hostname = listener.hostname === undefined || listener.hostname === '' ? undefined : listener.hostname;
  const context: ListenerContext = {
    gatewayNamespace,
    gatewayName,
    spec: listener,
    name: listener.name,
    port: listener.port,
    protocol: listener.protocol,
    hostname: hostname?.toLowerCase(),
    irName: `gateway/${gatewayNamespace}/${gatewayName}/listener/${listener.name}`,
    profile,
    supportedKinds: [],
    invalidKinds: [],
    allowsNamespace: () => false,
    rejection: undefined,
    conflict: undefined,
    attachedRoutes: 0,
  };
  if (profile === undefined || !profile.served) {
    const known = profile === undefined ? 'is not a protocol Portico knows' : 'is not supported by Portico yet';
    context.rejection = { reason: ListenerReason.UnsupportedProtocol, message: `protocol ${listener.protocol} ${known}` };
    return context;
  }
  const kinds = supportedRouteKinds(listener, profile);
  context.supportedKinds = kinds.kinds;
  context.invalidKinds = kinds.invalid;
  if (hostname !== undefined && (!profile.hostnameDistinct || !HOSTNAME.test(hostname))) {
    const why = profile.hostnameDistinct ? 'is not a valid hostname' : `must not be set for protocol ${listener.protocol}`;
    context.rejection = { reason: ListenerReason.UnsupportedValue, message: `hostname "${hostname}" ${why}` };
    return context;
  }
  const namespaces = compileNamespacePolicy(listener, gatewayNamespace);
  if (!namespaces.ok) {
    context.rejection = { reason: ListenerReason.UnsupportedValue, message: namespaces.message };
    return context;
  }
  context.allowsNamespace = namespaces.policy;
  return context;
}

/** Accepted: valid on its own and not conflicted. */
export function listenerAccepted(listener: ListenerContext): boolean {
  return listener.rejection === undefined && listener.conflict === undefined;
}
