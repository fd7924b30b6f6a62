// Gateway status: Accepted and Programmed, addresses, one entry per listener
// (Accepted, Programmed, ResolvedRefs, Conflicted, and OverlappingTLSConfig
// when true; supportedKinds; attachedRoutes), and attachedListenerSets (the
// ListenerSets it takes that are Accepted, status/listenerset.ts). The
// Gateway's conditions reflect its own listeners only (GEP-1713, "Gateway
// Conditions"); OverlappingTLSConfig looks at every listener it serves.
//
// TLS (tls/gateway-tls.ts): a terminating listener whose certificateRefs are
// all invalid is Accepted (its configuration is valid) but not Programmed
// (it cannot serve), with ResolvedRefs=False InvalidCertificateRef or
// RefNotPermitted; with some valid refs it is Programmed and serves with
// those, ResolvedRefs still False. An HTTPS listener whose frontend
// caCertificateRefs are all invalid is Accepted=False NoValidCACertificate
// (FrontendTLSValidation.caCertificateRefs). Envoy Gateway does the same.
import type { GatewayStatus, ListenerStatus } from '../../model/gatewayapi.ts';
import type { GatewayContext } from '../gateway.ts';
import { gatewayServing } from '../gateway.ts';
import { ANY_HOST, hostnameCovers, isWildcard } from '../hostname.ts';
import type { ListenerContext, ListenerProblem } from '../listener.ts';
import { listenerAccepted } from '../listener.ts';
import type { GatewayTls, ListenerTls } from '../tls/gateway-tls.ts';
import { tlsServable } from '../tls/gateway-tls.ts';
import type { ConditionClock, ConditionState } from './conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './conditions.ts';
import type { ListenerConflictReason } from './reasons.ts';
import { ConditionType, GatewayReason, ListenerReason } from './reasons.ts';

// ---------------------------------------------------------------- Gateway conditions

export function gatewayAccepted(): ConditionState {
  return conditionTrue(ConditionType.Accepted, GatewayReason.Accepted, 'the Gateway is accepted');
}

/** Accepted=True: some listeners are not accepted, the others are served. */
export function gatewayAcceptedListenersNotValid(message: string): ConditionState {
  return conditionTrue(ConditionType.Accepted, GatewayReason.ListenersNotValid, message);
}

export function gatewayNotAccepted(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, reason, message);
}

export function gatewayProgrammed(): ConditionState {
  return conditionTrue(ConditionType.Programmed, GatewayReason.Programmed, 'the Gateway is configured in the data plane');
}

export function gatewayNotProgrammed(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Programmed, reason, message);
}

// ---------------------------------------------------------------- listener conditions

export function listenerAcceptedCondition(): ConditionState {
  return conditionTrue(ConditionType.Accepted, ListenerReason.Accepted, 'the listener is accepted');
}

export function listenerNotAccepted(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, reason, message);
}

export function listenerProgrammed(): ConditionState {
  return conditionTrue(ConditionType.Programmed, ListenerReason.Programmed, 'the listener is configured in the data plane');
}

export function listenerNotProgrammed(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Programmed, reason, message);
}

export function listenerResolvedRefs(): ConditionState {
  return conditionTrue(ConditionType.ResolvedRefs, ListenerReason.ResolvedRefs, 'all references are resolved');
}

export function listenerInvalidRouteKinds(invalid: readonly string[]): ConditionState {
  return conditionFalse(ConditionType.ResolvedRefs, ListenerReason.InvalidRouteKinds, `route kinds not supported by this listener: ${invalid.join(', ')}`);
}

export function listenerNoConflicts(): ConditionState {
  return conditionFalse(ConditionType.Conflicted, ListenerReason.NoConflicts, 'no conflicts with other listeners');
}

export function listenerConflicted(reason: ListenerConflictReason, message: string): ConditionState {
  return conditionTrue(ConditionType.Conflicted, reason, message);
}

export function listenerRefsNotResolved(problem: ListenerProblem): ConditionState {
  return conditionFalse(ConditionType.ResolvedRefs, problem.reason, problem.message);
}

export function listenerOverlappingHostnames(message: string): ConditionState {
  return conditionTrue(ConditionType.OverlappingTLSConfig, ListenerReason.OverlappingHostnames, message);
}

// ---------------------------------------------------------------- overlapping TLS hostnames

/**
 * ListenerConditionOverlappingTLSConfig: accepted HTTPS listeners on one port
 * whose hostnames overlap ("*.example.com" and "foo.example.com") share TLS
 * connections through HTTP connection coalescing; the condition is set on
 * each of them (only when true: it has negative polarity).
 */
export function overlappingHostnames(listeners: readonly ListenerContext[]): Map<ListenerContext, string> {
  const https = listeners.filter((l) => l.protocol === 'HTTPS' && listenerAccepted(l));
  const found = new Map<ListenerContext, string>();
  const byPort = new Map<number, ListenerContext[]>();
  for (const listener of https) {
    const onPort = byPort.get(listener.port);
    if (onPort === undefined) byPort.set(listener.port, [listener]);
    else onPort.push(listener);
  }
  for (const onPort of byPort.values()) if (onPort.length > 1) overlapsOnPort(onPort, found);
  return found;
}

/**
 * Each listener's first overlapping partner, in listener order. Exact
 * hostnames overlap only equal ones and the patterns (wildcards, no
 * hostname) that cover them, so only patterns are compared pairwise: a port
 * with thousands of exact hostnames (ListenerSets) stays linear.
 */
function overlapsOnPort(listeners: readonly ListenerContext[], found: Map<ListenerContext, string>): void {
  const hostOf = (l: ListenerContext) => l.hostname ?? ANY_HOST;
  const isPattern = (host: string) => host === ANY_HOST || isWildcard(host);
  const patterns = listeners.filter((l) => isPattern(hostOf(l)));
  const exact = new Map<string, ListenerContext[]>();
  for (const listener of listeners) {
    if (isPattern(hostOf(listener))) continue;
    const same = exact.get(hostOf(listener));
    if (same === undefined) exact.set(hostOf(listener), [listener]);
    else same.push(listener);
  }
  const order = new Map(listeners.map((l, i) => [l, i]));
  for (const a of listeners) {
    const ha = hostOf(a);
    const candidates = isPattern(ha)
      ? listeners.filter((b) => b !== a && (isPattern(hostOf(b)) ? hostnameCovers(ha, hostOf(b)) || hostnameCovers(hostOf(b), ha) : hostnameCovers(ha, hostOf(b))))
      : [...patterns.filter((b) => hostnameCovers(hostOf(b), ha)), ...(exact.get(ha) ?? []).filter((b) => b !== a)];
    let first: ListenerContext | undefined;
    for (const b of candidates) if (first === undefined || (order.get(b) ?? 0) < (order.get(first) ?? 0)) first = b;
    if (first !== undefined) found.set(a, `the hostname ${ha} overlaps with the hostname ${hostOf(first)} of listener ${first.name} on port ${a.port}`);
  }
}

// ---------------------------------------------------------------- builders

/** Why the listener is not accepted, its TLS included; undefined when accepted. */
export function listenerRejection(listener: ListenerContext, tls: ListenerTls | undefined): ListenerProblem | undefined {
  const problem = listener.rejection ?? listener.conflict;
  if (problem !== undefined) return problem;
  if (tls?.noValidCa === true) return { reason: ListenerReason.NoValidCACertificate, message: tls.caProblem?.message ?? 'no valid CA certificate' };
  return undefined;
}

export function listenerConditions(listener: ListenerContext, gateway: GatewayContext, tls: ListenerTls | undefined, overlap: string | undefined): ConditionState[] {
  const problem = listenerRejection(listener, tls);
  const states: ConditionState[] = [];
  states.push(problem === undefined ? listenerAcceptedCondition() : listenerNotAccepted(problem.reason, problem.message));
  if (problem !== undefined) {
    states.push(listenerNotProgrammed(listener.conflict?.reason ?? ListenerReason.Invalid, problem.message));
  } else if (!gatewayServing(gateway)) {
    const why = gateway.rejection === undefined ? 'the Gateway is not programmed' : 'the Gateway is not accepted';
    states.push(listenerNotProgrammed(ListenerReason.Invalid, why));
  } else if (!tlsServable(tls)) {
    states.push(listenerNotProgrammed(ListenerReason.Invalid, `no valid certificate to serve with: ${tls?.certificateProblem?.message ?? ''}`));
  } else {
    states.push(listenerProgrammed());
  }
  // Certificate problems first, then client CA problems, then route kinds.
  const refProblem = tls?.certificateProblem ?? tls?.caProblem;
  if (refProblem !== undefined) states.push(listenerRefsNotResolved(refProblem));
  else states.push(listener.invalidKinds.length > 0 ? listenerInvalidRouteKinds(listener.invalidKinds) : listenerResolvedRefs());
  states.push(listener.conflict === undefined ? listenerNoConflicts() : listenerConflicted(listener.conflict.reason, listener.conflict.message));
  if (overlap !== undefined) states.push(listenerOverlappingHostnames(overlap));
  return states;
}

function gatewayConditions(gateway: GatewayContext, tls: GatewayTls): ConditionState[] {
  const { rejection, notProgrammed } = gateway;
  if (rejection !== undefined) {
    return [gatewayNotAccepted(rejection.reason, rejection.message), gatewayNotProgrammed(GatewayReason.Invalid, 'the Gateway is not accepted')];
  }
  const notAccepted = gateway.listeners.filter((l) => listenerRejection(l, tls.listeners.get(l)) !== undefined).map((l) => l.name);
  if (notAccepted.length === gateway.listeners.length) {
    // Every listener is out, the last ones for their client CA certificates.
    const message = `no listener is accepted (${notAccepted.join(', ')})`;
    return [gatewayNotAccepted(GatewayReason.ListenersNotValid, message), gatewayNotProgrammed(GatewayReason.Invalid, 'the Gateway is not accepted')];
  }
  return [
    notAccepted.length === 0 ? gatewayAccepted() : gatewayAcceptedListenersNotValid(`listeners not accepted: ${notAccepted.join(', ')}`),
    notProgrammed === undefined ? gatewayProgrammed() : gatewayNotProgrammed(notProgrammed.reason, notProgrammed.message),
  ];
}

/** Whether the Gateway is Accepted: not rejected itself, and one of its own listeners accepted with its TLS. */
export function gatewayAcceptedWithTls(gateway: GatewayContext, tls: GatewayTls): boolean {
  return gateway.rejection === undefined && gateway.listeners.some((l) => listenerRejection(l, tls.listeners.get(l)) === undefined);
}

/** Whether the Gateway serves anything: accepted and programmed, with a listener its TLS does not rule out. */
export function gatewayServingWithTls(gateway: GatewayContext, tls: GatewayTls): boolean {
  return gatewayServing(gateway) && gateway.listeners.some((l) => listenerRejection(l, tls.listeners.get(l)) === undefined);
}

/** `overlaps`: overlappingHostnames() of every listener the Gateway serves; `attachedListenerSets`: the Accepted ListenerSets it takes. */
export function buildGatewayStatus(
  gateway: GatewayContext,
  tls: GatewayTls,
  clock: ConditionClock,
  overlaps: ReadonlyMap<ListenerContext, string> = overlappingHostnames(gateway.listeners),
  attachedListenerSets = 0,
): GatewayStatus {
  const previous = gateway.gateway.status;
  const listeners: ListenerStatus[] = gateway.listeners.map((listener) => ({
    name: listener.name,
    supportedKinds: listener.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
    attachedRoutes: listener.attachedRoutes,
    conditions: finalizeConditions(
      listenerConditions(listener, gateway, tls.listeners.get(listener), overlaps.get(listener)),
      previous?.listeners?.find((l) => l.name === listener.name)?.conditions,
      clock,
    ),
  }));
  return {
    // Addresses are reported only once the Gateway is served on them.
    ...(gateway.statusAddresses.length > 0 && gatewayServingWithTls(gateway, tls) ? { addresses: gateway.statusAddresses } : {}),
    conditions: finalizeConditions(gatewayConditions(gateway, tls), previous?.conditions, clock),
    listeners,
    attachedListenerSets,
  };
}
