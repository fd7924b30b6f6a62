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

/** What the listeners higher in precedence hold on one port and transport (TCP-based, or UDP). */
interface ClaimedPort {
  /** Protocol families present, each with the first protocol seen. */
  families: Map<string, string>;
  /** Hostnames present ("" for none). */
  hostnames: Set<string>;
}

/**
 * Listeners merged into a Gateway from ListenerSets (GEP-1713, "Listener and
 * ListenerSet Conflicts"): a listener that is not distinct from one higher in
 * precedence (the Gateway's own, then older ListenerSets) is Conflicted and
 * loses; the earlier one keeps its state. Claim the Gateway's listeners, then
 * each ListenerSet's in precedence order after markConflicts on them and
 * markLosers; each port costs one lookup, so thousands of ListenerSets stay
 * linear.
 */
export class ClaimedPorts {
  readonly #ports = new Map<string, ClaimedPort>();

  /** Listeners valid on their own now hold their port, hostname and family, conflicted or not. */
  claim(listeners: readonly ListenerContext[]): void {
    for (const listener of listeners) {
      const family = listener.profile?.family;
      if (listener.rejection !== undefined || listener.profile?.served !== true || family === undefined) continue;
      const key = portKey(listener);
      let claimed = this.#ports.get(key);
      if (claimed === undefined) this.#ports.set(key, (claimed = { families: new Map(), hostnames: new Set() }));
      if (!claimed.families.has(family)) claimed.families.set(family, listener.protocol);
      claimed.hostnames.add(listener.hostname ?? '');
    }
  }

  /** Sets `conflict` on each listener not distinct from one claimed before. */
  markLosers(listeners: readonly ListenerContext[]): void {
    for (const listener of listeners) {
      if (listener.conflict === undefined) listener.conflict = this.conflictOf(listener);
    }
  }

  /** The conflict markLosers would set on a listener without one of its own (none for a rejected or unserved listener). */
  conflictOf(listener: ListenerContext): ListenerContext['conflict'] {
    if (listener.rejection !== undefined || listener.profile?.served !== true) return undefined;
    const claimed = this.#ports.get(portKey(listener));
    return claimed === undefined ? undefined : precedenceConflict(listener, claimed);
  }
}

/** UDP shares port numbers with TCP-based listeners freely. */
function portKey(listener: ListenerContext): string {
  return `${listener.port}/${listener.profile?.family === 'udp' ? 'udp' : 'tcp'}`;
}

function precedenceConflict(listener: ListenerContext, claimed: ClaimedPort): ListenerContext['conflict'] {
  const family = listener.profile?.family ?? '';
  for (const [other, protocol] of claimed.families) {
    if (other !== family) return { reason: ListenerReason.ProtocolConflict, message: `port ${listener.port} is already used with protocol ${protocol} by a listener that takes precedence` };
  }
  if (listener.profile?.hostnameDistinct !== true) {
    return { reason: ListenerReason.ProtocolConflict, message: `port ${listener.port} is already used by a ${claimed.families.get(family) ?? listener.protocol} listener that takes precedence: only one ${listener.protocol} listener may use a port` };
  }
  if (claimed.hostnames.has(listener.hostname ?? '')) {
    const host = listener.hostname === undefined ? 'no hostname' : `hostname "${listener.hostname}"`;
    return { reason: ListenerReason.HostnameConflict, message: `port ${listener.port} with ${host} is already used by a listener that takes precedence` };
  }
  return undefined;
}
