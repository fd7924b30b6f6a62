// ListenerSet statuses kept from one run to the next. A Gateway with
// thousands of ListenerSets would otherwise build (and compare, to keep
// unchanged ones the same object) every one of their statuses on every
// reload, whatever changed. A status is built again only when something it
// is built from changed: the ListenerSet's context (listenerset.ts keeps it
// while the set and its precedence stay), its Gateway's context, whether the
// Gateway is accepted and its own listeners' TLS state (not the Gateway's
// whole TLS state: one tenant's renewed certificate must not rebuild the
// statuses of thousands of others), its
// listeners' attachedRoutes and overlapping hostnames, its generation, or its
// current status (it is kept while the set carries the status built last
// time, or the same status as then at the same time, as route statuses are:
// route-outcome.ts).
import type { ListenerContext } from './listener.ts';
import type { GatewayContext } from './gateway.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { listenerSetAccepted } from './status/listenerset.ts';
import type { StatusUpdate } from './status-update.ts';
import { gatewayAcceptedWithTls } from './status/gateway.ts';
import type { GatewayTls, ListenerTls } from './tls/gateway-tls.ts';
import { sameListenerTls } from './tls/gateway-tls.ts';

interface Built {
  gateway: GatewayContext;
  tls: GatewayTls;
  parentAccepted: boolean;
  /** The set's listeners' entries in `tls`. */
  listenerTls: (ListenerTls | undefined)[];
  attachedRoutes: number[];
  overlaps: (string | undefined)[];
  generation: number | undefined;
  previous: object | undefined;
  now: string;
  accepted: boolean;
  update: StatusUpdate;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTlsEntries(a: readonly (ListenerTls | undefined)[], b: readonly (ListenerTls | undefined)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x === undefined || y === undefined || !sameListenerTls(x, y))) return false;
  }
  return true;
}

export class ListenerSetStatusMemo {
  #built = new WeakMap<ListenerSetContext, Built>();
  /** gatewayAcceptedWithTls, once per Gateway TLS state (it walks every listener, the sets' included). */
  #parentAccepted = new WeakMap<GatewayTls, { gateway: GatewayContext; accepted: boolean }>();

  #accepted(gateway: GatewayContext, tls: GatewayTls): boolean {
    const known = this.#parentAccepted.get(tls);
    if (known !== undefined && known.gateway === gateway) return known.accepted;
    const accepted = gatewayAcceptedWithTls(gateway, tls);
    this.#parentAccepted.set(tls, { gateway, accepted });
    return accepted;
  }

  /**
   * The set's status update and whether it is Accepted (Gateway
   * attachedListenerSets counts those); `build` makes the update when it
   * cannot be kept. `kept` is told of each update kept as it was.
   */
  status(
    set: ListenerSetContext,
    gateway: GatewayContext,
    tls: GatewayTls,
    overlaps: ReadonlyMap<ListenerContext, string>,
    clock: { now: string; generation: number | undefined },
    build: () => StatusUpdate,
    kept: (update: StatusUpdate) => void,
  ): { update: StatusUpdate; accepted: boolean } {
    const attachedRoutes = set.listeners.map((listener) => listener.attachedRoutes);
    const overlapping = overlaps.size === 0 ? [] : set.listeners.map((listener) => overlaps.get(listener));
    const previous = set.listenerSet.status;
    const last = this.#built.get(set);
    const parentAccepted = this.#accepted(gateway, tls);
    const listenerTls = set.listeners.map((listener) => tls.listeners.get(listener));
    if (
      last !== undefined &&
      last.gateway === gateway &&
      (last.tls === tls || (last.parentAccepted === parentAccepted && sameTlsEntries(last.listenerTls, listenerTls))) &&
      last.generation === clock.generation &&
      (previous === last.update.status || (previous === last.previous && clock.now === last.now)) &&
      sameList(last.attachedRoutes, attachedRoutes) &&
      sameList(last.overlaps, overlapping)
    ) {
      last.tls = tls;
      last.listenerTls = listenerTls;
      kept(last.update);
      return last;
    }
    const built: Built = { gateway, tls, parentAccepted, listenerTls, attachedRoutes, overlaps: overlapping, generation: clock.generation, previous, now: clock.now, accepted: listenerSetAccepted(set, gateway, tls), update: build() };
    this.#built.set(set, built);
    return built;
  }
}
