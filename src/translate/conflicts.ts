// Distinct listeners (GatewaySpec.listeners, "Distinct Listeners"): listeners
// sharing a port must agree on the protocol family, and listeners of one
// hostname-aware protocol on a port must have different hostnames; TCP and
// UDP listeners are told apart by port alone. Indistinct listeners are all
// Conflicted, with no winner, and none of them is accepted. Only listeners
// Portico serves and that are valid on their own take part: an unsupported
// protocol on a shared port is rejected by itself and conflicts with nothing
// (the spec's rule for implementations without TCP support).
import type { ListenerContext } from './listener.ts';
import { ListenerReason } from './status/reasons.ts';

function groupBy(listeners: readonly ListenerContext[], keyOf: (l: ListenerContext) => string): ListenerContext[][] {
  const groups = new Map<string, ListenerContext[]>();
  for (const listener of listeners) {
    const key = keyOf(listener);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [listener]);
    else group.push(listener);
  }
  return [...groups.values()];
}

function names(listeners: readonly ListenerContext[]): string {
  return listeners.map((l) => l.name).join(', ');
}

/** Sets `conflict` on every listener that is not distinct from another one. */
export function markConflicts(listeners: readonly ListenerContext[]): void {
  const candidates = listeners.filter((l) => l.rejection === undefined && l.profile?.served === true);
  for (const onPort of groupBy(candidates, (l) => String(l.port))) {
    // UDP is a separate transport: it shares a port number with TCP-based listeners freely.
    const streams = onPort.filter((l) => l.profile?.family !== 'udp');
    const datagrams = onPort.filter((l) => l.profile?.family === 'udp');
    const families = new Set(streams.map((l) => l.profile?.family));
    if (families.size > 1) {
      const message = `listeners ${names(streams)} share port ${onPort[0]?.port} with incompatible protocols ${streams.map((l) => l.protocol).join(', ')}`;
      for (const listener of streams) listener.conflict = { reason: ListenerReason.ProtocolConflict, message };
    } else {
      markIndistinct(streams);
    }
    markIndistinct(datagrams);
  }
}

/** Within one protocol family on one port: equal hostnames (or any two TCP/UDP listeners) conflict. */
function markIndistinct(sameFamily: readonly ListenerContext[]): void {
  if (sameFamily.length < 2) return;
  if (sameFamily[0]?.profile?.hostnameDistinct !== true) {
    const message = `listeners ${names(sameFamily)} share port ${sameFamily[0]?.port}: only one ${sameFamily[0]?.protocol} listener may use a port`;
    for (const listener of sameFamily) listener.conflict = { reason: ListenerReason.ProtocolConflict, message };
    return;
  }
  for (const group of groupBy(sameFamily, (l) => l.hostname ?? '')) {
    if (group.length < 2) continue;
    const host = group[0]?.hostname === undefined ? 'no hostname' : `hostname "${group[0].hostname}"`;
    const message = `listeners ${names(group)} share port ${group[0]?.port} and ${host}`;
    for (const listener of group) listener.conflict = { reason: ListenerReason.HostnameConflict, message };
  }
}

/**
 * Listeners merged into a Gateway from ListenerSets (GEP-1713, "Listener and
 * ListenerSet Conflicts"): each of `later` that is not distinct from one of
 * `earlier` (higher in precedence: the Gateway's own, then older
 * ListenerSets) is Conflicted and loses; the earlier one keeps its state.
 * Call it once per ListenerSet, in precedence order, after markConflicts on
 * the ListenerSet's own listeners.
 */
export function markPrecedenceConflicts(earlier: readonly ListenerContext[], later: readonly ListenerContext[]): void {
  const byPort = new Map<number, ListenerContext[]>();
  for (const listener of earlier) {
    if (listener.rejection !== undefined || listener.profile?.served !== true) continue;
    const onPort = byPort.get(listener.port);
    if (onPort === undefined) byPort.set(listener.port, [listener]);
    else onPort.push(listener);
  }
  for (const listener of later) {
    if (listener.rejection !== undefined || listener.conflict !== undefined || listener.profile?.served !== true) continue;
    const conflict = precedenceConflict(listener, byPort.get(listener.port) ?? []);
    if (conflict !== undefined) listener.conflict = conflict;
  }
}

function precedenceConflict(listener: ListenerContext, onPort: readonly ListenerContext[]): ListenerContext['conflict'] {
  const udp = listener.profile?.family === 'udp';
  // UDP shares port numbers with TCP-based listeners freely.
  const sameTransport = onPort.filter((l) => (l.profile?.family === 'udp') === udp);
  const otherFamily = sameTransport.find((l) => l.profile?.family !== listener.profile?.family);
  if (otherFamily !== undefined) {
    return { reason: ListenerReason.ProtocolConflict, message: `port ${listener.port} is already used with protocol ${otherFamily.protocol} by a listener that takes precedence` };
  }
  const first = sameTransport[0];
  if (first === undefined) return undefined;
  if (listener.profile?.hostnameDistinct !== true) {
    return { reason: ListenerReason.ProtocolConflict, message: `port ${listener.port} is already used by a ${first.protocol} listener that takes precedence: only one ${listener.protocol} listener may use a port` };
  }
  if (sameTransport.some((l) => l.hostname === listener.hostname)) {
    const host = listener.hostname === undefined ? 'no hostname' : `hostname "${listener.hostname}"`;
    return { reason: ListenerReason.HostnameConflict, message: `port ${listener.port} with ${host} is already used by a listener that takes precedence` };
  }
  return undefined;
}
