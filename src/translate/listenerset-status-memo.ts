// ListenerSet statuses kept from one run to the next. A Gateway with
// thousands of ListenerSets would otherwise build (and compare, to keep
// unchanged ones the same object) every one of their statuses on every
// reload, whatever changed. A status is built again only when something it
// is built from changed: the ListenerSet's context (listenerset.ts keeps it
// while the set and its precedence stay), its Gateway's context and TLS, its
// listeners' attachedRoutes and overlapping hostnames, its generation, or its
// current status (it is kept while the set carries the status built last
// time, or the same status as then at the same time, as route statuses are:
// route-outcome.ts).
import type { ListenerContext } from './listener.ts';
import type { GatewayContext } from './gateway.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { listenerSetAccepted } from './status/listenerset.ts';
import type { StatusUpdate } from './status-update.ts';
import type { GatewayTls } from './tls/gateway-tls.ts';

interface Built {
  gateway: GatewayContext;
  tls: GatewayTls;
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

export class ListenerSetStatusMemo {
  #built = new WeakMap<ListenerSetContext, Built>();

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
    if (
      last !== undefined &&
      last.gateway === gateway &&
      last.tls === tls &&
      last.generation === clock.generation &&
      (previous === last.update.status || (previous === last.previous && clock.now === last.now)) &&
      sameList(last.attachedRoutes, attachedRoutes) &&
      sameList(last.overlaps, overlapping)
    ) {
      kept(last.update);
      return last;
    }
    const built: Built = { gateway, tls, attachedRoutes, overlaps: overlapping, generation: clock.generation, previous, now: clock.now, accepted: listenerSetAccepted(set, gateway, tls), update: build() };
    this.#built.set(set, built);
    return built;
  }
}
