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
import type { ListenerTlsOptions } from './tls/options.ts';
import { parseTlsOptions } from './tls/options.ts';

/** Hostname (apis/v1 shared_types.go): lowercase RFC 1123, optional leading "*." label. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface ListenerProblem<R extends string = string> {
  reason: R;
  message: string;
}

/** The object a listener is written in: its Gateway, or a ListenerSet attached to it (GEP-1713). */
export interface ListenerOwner {
  kind: 'Gateway' | 'ListenerSet';
  namespace: string;
  name: string;
}

export interface ListenerContext {
  gatewayNamespace: string;
  gatewayName: string;
  /** allowedRoutes "Same" and certificateRefs are relative to the owner's namespace (GEP-1713). */
  owner: ListenerOwner;
  spec: Listener;
  name: string;
  port: number;
  protocol: string;
  /** Lowercase; undefined when the listener matches any host. */
  hostname: string | undefined;
  /**
   * "gateway/<ns>/<name>/listener/<sectionName>", or
   * "listenerset/<ns>/<name>/listener/<sectionName>" for a ListenerSet's
   * (names are unique only within their own object).
   */
  irName: string;
  profile: ProtocolProfile | undefined;
  /**
   * What the listener does with TLS: 'terminate' (HTTPS; TLS with mode
   * Terminate, the CRD default), 'passthrough' (TLS with mode Passthrough),
   * undefined for HTTP, TCP and UDP.
   */
  tlsMode: 'terminate' | 'passthrough' | undefined;
  /** tls.options Portico reads (tls/options.ts). */
  tlsOptions: ListenerTlsOptions;
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

/** `owner` defaults to the Gateway itself. */
export function evaluateListener(listener: Listener, gatewayNamespace: string, gatewayName: string, owner?: ListenerOwner): ListenerContext {
  const profile = protocolProfile(listener.protocol);
  const hostname = listener.hostname === undefined || listener.hostname === '' ? undefined : listener.hostname;
  const from = owner ?? { kind: 'Gateway', namespace: gatewayNamespace, name: gatewayName };
  const context: ListenerContext = {
    gatewayNamespace,
    gatewayName,
    owner: from,
    spec: listener,
    name: listener.name,
    port: listener.port,
    protocol: listener.protocol,
    hostname: hostname?.toLowerCase(),
    irName: `${from.kind === 'Gateway' ? 'gateway' : 'listenerset'}/${from.namespace}/${from.name}/listener/${listener.name}`,
    profile,
    tlsMode: undefined,
    tlsOptions: {},
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
  const tls = tlsShape(listener, profile);
  if (!tls.ok) {
    context.rejection = { reason: ListenerReason.UnsupportedValue, message: tls.message };
    return context;
  }
  context.tlsMode = tls.mode;
  context.tlsOptions = tls.options;
  const namespaces = compileNamespacePolicy(listener, from.namespace);
  if (!namespaces.ok) {
    context.rejection = { reason: ListenerReason.UnsupportedValue, message: namespaces.message };
    return context;
  }
  context.allowsNamespace = namespaces.policy;
  return context;
}

/**
 * The listener's TLS block against its protocol (the Gateway CRD's CEL rules
 * on listeners): none for HTTP, TCP and UDP; HTTPS terminates; TLS needs a
 * mode. Passthrough ignores certificateRefs (ListenerTLSConfig.mode).
 */
function tlsShape(
  listener: Listener,
  profile: ProtocolProfile,
): { ok: true; mode: ListenerContext['tlsMode']; options: ListenerTlsOptions } | { ok: false; message: string } {
  const tls = listener.tls;
  if (profile.family !== 'tls') {
    return tls === undefined ? { ok: true, mode: undefined, options: {} } : { ok: false, message: `tls must not be set for protocol ${listener.protocol}` };
  }
  if (tls === undefined && listener.protocol === 'TLS') return { ok: false, message: 'tls (with mode Terminate or Passthrough) is required for protocol TLS' };
  const mode = tls?.mode ?? 'Terminate';
  if (mode !== 'Terminate' && mode !== 'Passthrough') return { ok: false, message: `tls.mode "${String(mode)}" is not one of Terminate, Passthrough` };
  if (listener.protocol === 'HTTPS' && mode !== 'Terminate') return { ok: false, message: 'tls.mode must be Terminate for protocol HTTPS' };
  const options = parseTlsOptions(tls?.options);
  if (!options.ok) return options;
  return { ok: true, mode: mode === 'Terminate' ? 'terminate' : 'passthrough', options: options.options };
}

/** Accepted: valid on its own and not conflicted. */
export function listenerAccepted(listener: ListenerContext): boolean {
  return listener.rejection === undefined && listener.conflict === undefined;
}
