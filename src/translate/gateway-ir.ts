// One IRGateway per serving Gateway: its HTTP ports (httpport.ts) and the
// backends their rules name, each listed once, by name, with the endpoints its
// Service's EndpointSlices hold now (backendref.ts).
//
// Kept from one snapshot to the next: a port that did not change is the same
// object; a backend is the same object while its Service port and slices are
// (even when the route naming it first was compiled again), so an
// EndpointSlice change makes a new object of its Service's backends and of
// nothing else; and a Gateway whose ports and backends all stayed is the same
// IRGateway. Later stages tell what changed by identity.
import type { EndpointSlice } from '../model/core.ts';
import type { IRBackend, IRGateway, IRPort } from '../ir/types.ts';
import { backendIR, sameTarget } from './backendref.ts';
import type { GatewayContext } from './gateway.ts';
import type { AttachedRoute, ServedListener } from './httpport.ts';
import { HttpPortBuilder } from './httpport.ts';
import type { ListenerContext } from './listener.ts';
import { listenerAccepted } from './listener.ts';
import type { IndexedKind, ResourceIndex } from './resource-index.ts';
import type { BackendTarget } from './route-model.ts';

interface BackendState {
  target: BackendTarget;
  /** The slices its endpoints were read from. */
  slices: readonly EndpointSlice[] | undefined;
  ir: IRBackend;
}

interface GatewayState {
  ports: Map<number, HttpPortBuilder>;
  /** The backend lists of the ports, as last combined. */
  portBackends: (readonly BackendTarget[])[];
  backendStates: Map<string, BackendState>;
  backends: Record<string, IRBackend>;
  ir: IRGateway | undefined;
}

function sameList(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameEndpoints(a: IRBackend['endpoints'], b: IRBackend['endpoints']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]?.address !== b[i]?.address || a[i]?.port !== b[i]?.port) return false;
  return true;
}

/** Same content, field for field (backendIR builds both, so with the same fields in the same order). */
function sameBackend(a: IRBackend, b: IRBackend): boolean {
  return (
    a.name === b.name &&
    a.protocol === b.protocol &&
    sameEndpoints(a.endpoints, b.endpoints) &&
    a.externalName?.hostname === b.externalName?.hostname &&
    a.externalName?.port === b.externalName?.port
  );
}

function slicesOf(target: BackendTarget, index: ResourceIndex): readonly EndpointSlice[] | undefined {
  const source = target.endpointsOf;
  return source === undefined ? undefined : index.endpointSlices(source.namespace, source.service.metadata.name);
}

export class GatewayIRBuilder {
  #gateways = new Map<string, GatewayState>();
  #next = new Map<string, GatewayState>();

  begin(): void {
    this.#next = new Map();
  }

  finish(): void {
    this.#gateways = this.#next;
  }

  /** `changes`: the routes that changed on each listener since the last build (route-table.ts). */
  build(
    gateway: GatewayContext,
    attachments: ReadonlyMap<ListenerContext, ReadonlyMap<string, AttachedRoute>>,
    changes: ReadonlyMap<ListenerContext, ReadonlySet<string>>,
    index: ResourceIndex,
    changed: ReadonlySet<IndexedKind>,
  ): IRGateway {
    const state: GatewayState = this.#gateways.get(gateway.irName) ?? { ports: new Map(), portBackends: [], backendStates: new Map(), backends: {}, ir: undefined };
    this.#next.set(gateway.irName, state);

    const byPort = new Map<number, ServedListener[]>();
    for (const listener of gateway.listeners) {
      if (!listenerAccepted(listener) || listener.profile?.family !== 'http' || !listener.profile.served) continue;
      const served: ServedListener = { listener, routes: attachments.get(listener) ?? new Map() };
      const list = byPort.get(listener.port);
      if (list === undefined) byPort.set(listener.port, [served]);
      else list.push(served);
    }

    const builders = new Map<number, HttpPortBuilder>();
    const ports: IRPort[] = [];
    const portBackends: (readonly BackendTarget[])[] = [];
    for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
      const builder = state.ports.get(port) ?? new HttpPortBuilder(gateway.irName, port);
      builders.set(port, builder);
      const built = builder.build(byPort.get(port) ?? [], changes);
      ports.push(built.port);
      portBackends.push(built.backends);
    }
    state.ports = builders;

    if (!sameList(state.portBackends, portBackends) || changed.has('endpointSlices') || state.ir === undefined) {
      state.portBackends = portBackends;
      combineBackends(state, index);
    }
    const previous = state.ir;
    if (previous !== undefined && previous.backends === state.backends && sameList(previous.ports, ports)) return previous;
    state.ir = { name: gateway.irName, namespace: gateway.namespace, gatewayName: gateway.name, ports, backends: state.backends };
    return state.ir;
  }
}

/** Each name's first target as an IR backend, sorted by name; unchanged backends (and record) are last time's objects. */
function combineBackends(state: GatewayState, index: ResourceIndex): void {
  const targets = new Map<string, BackendTarget>();
  for (const backends of state.portBackends) for (const target of backends) if (!targets.has(target.name)) targets.set(target.name, target);
  const states = new Map<string, BackendState>();
  const combined: Record<string, IRBackend> = {};
  let changed = Object.keys(state.backends).length !== targets.size;
  for (const name of [...targets.keys()].sort()) {
    const target = targets.get(name) as BackendTarget;
    const slices = slicesOf(target, index);
    const old = state.backendStates.get(name);
    let ir: IRBackend;
    if (old !== undefined && sameTarget(old.target, target) && sameList(old.slices, slices)) {
      ir = old.ir;
    } else {
      const built = backendIR(target, index);
      ir = old !== undefined && sameBackend(old.ir, built) ? old.ir : built;
    }
    states.set(name, { target, slices, ir });
    combined[name] = ir;
    if (state.backends[name] !== ir) changed = true;
  }
  state.backendStates = states;
  if (changed) state.backends = combined;
}
