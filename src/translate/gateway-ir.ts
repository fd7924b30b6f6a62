// One IRGateway per serving Gateway: its ports (its own listeners and those of
// the ListenerSets it takes, listenerset.ts) — HTTP (httpport.ts), HTTPS
// and TLS listeners behind one TLS front per port, TCP and UDP
// (streamport.ts) — the certificates its TLS servers present
// (tls/gateway-tls.ts), and the backends its rules and stream routes name,
// each listed once, by name, with the endpoints its Service's EndpointSlices
// hold now (backendref.ts). Ports are in port order, TCP before UDP on one
// number; a listener that cannot serve (not accepted, no valid certificate or
// client CA) contributes nothing.
//
// Kept from one snapshot to the next: a port that did not change is the same
// object; a backend is the same object while its Service port and slices are
// (even when the route naming it first was compiled again), so an
// EndpointSlice change makes a new object of its Service's backends and of
// nothing else; and a Gateway whose ports and backends all stayed is the same
// IRGateway. Later stages tell what changed by identity.
import type { EndpointSlice } from '../model/core.ts';
import type { IRBackend, IRGateway, IRHttpPort, IRPort, IRTcpPort, IRTlsPortConfig, IRUdpPort } from '../ir/types.ts';
import { backendIR, sameTarget } from './backendref.ts';
import type { GatewayContext } from './gateway.ts';
import type { AttachedRoute, ServedListener } from './httpport.ts';
import { HttpPortBuilder } from './httpport.ts';
import type { ListenerContext } from './listener.ts';
import { listenerAccepted } from './listener.ts';
import type { IndexedKind, ResourceIndex } from './resource-index.ts';
import type { BackendTarget } from './route-model.ts';
import { buildStreamPort, buildTlsConfig } from './streamport.ts';
import type { GatewayTls } from './tls/gateway-tls.ts';
import { tlsServable } from './tls/gateway-tls.ts';

interface BackendState {
  target: BackendTarget;
  /** The slices its endpoints were read from. */
  slices: readonly EndpointSlice[] | undefined;
  ir: IRBackend;
}

/** A TLS-first port: the HTTP port it was built from and the IR with its TLS front. */
interface TlsPortState {
  base: IRHttpPort;
  ir: IRHttpPort;
}

interface GatewayState {
  /** HTTP port builders by "<scheme>/<port>". */
  ports: Map<string, HttpPortBuilder>;
  tlsPorts: Map<number, TlsPortState>;
  /** TCP and UDP ports by their byPort key. */
  streamPorts: Map<string, IRTcpPort | IRUdpPort>;
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
    tls: GatewayTls,
    attachments: ReadonlyMap<ListenerContext, ReadonlyMap<string, AttachedRoute>>,
    changes: ReadonlyMap<ListenerContext, ReadonlySet<string>>,
    index: ResourceIndex,
    changed: ReadonlySet<IndexedKind>,
  ): IRGateway {
    const state: GatewayState = this.#gateways.get(gateway.irName) ?? { ports: new Map(), tlsPorts: new Map(), streamPorts: new Map(), portBackends: [], backendStates: new Map(), backends: {}, ir: undefined };
    this.#next.set(gateway.irName, state);

    // Served listeners by port and family (conflicts.ts leaves one family per TCP port, and UDP apart).
    const byPort = new Map<string, { family: string; port: number; served: ServedListener[] }>();
    for (const listener of gateway.allListeners) {
      const family = listener.profile?.family;
      if (!listenerAccepted(listener) || family === undefined || !tlsServable(tls.listeners.get(listener))) continue;
      const key = `${String(listener.port).padStart(5, '0')}/${family === 'udp' ? 'udp' : 'tcp'}`;
      const served: ServedListener = { listener, routes: attachments.get(listener) ?? new Map() };
      const entry = byPort.get(key);
      if (entry === undefined) byPort.set(key, { family, port: listener.port, served: [served] });
      else entry.served.push(served);
    }

    const builders = new Map<string, HttpPortBuilder>();
    const tlsPorts = new Map<number, TlsPortState>();
    const streamPorts = new Map<string, IRTcpPort | IRUdpPort>();
    const ports: IRPort[] = [];
    const portBackends: (readonly BackendTarget[])[] = [];
    for (const key of [...byPort.keys()].sort()) {
      const { family, port, served } = byPort.get(key) as { family: string; port: number; served: ServedListener[] };
      if (family === 'tcp' || family === 'udp') {
        const built = buildStreamPort(gateway.irName, served[0] as ServedListener, state.streamPorts.get(key));
        if (built === undefined) continue;
        streamPorts.set(key, built.port);
        ports.push(built.port);
        portBackends.push(built.backends);
        continue;
      }
      const scheme = family === 'tls' ? 'https' : 'http';
      const builderKey = `${scheme}/${port}`;
      const builder = state.ports.get(builderKey) ?? new HttpPortBuilder(gateway.irName, port, scheme);
      builders.set(builderKey, builder);
      const http = served.filter(({ listener }) => listener.profile?.routeKinds.includes('HTTPRoute') === true);
      const built = builder.build(http, changes);
      portBackends.push(built.backends);
      if (family !== 'tls') {
        ports.push(built.port);
        continue;
      }
      const front = buildTlsConfig(served.map((entry) => ({ served: entry, tls: tls.listeners.get(entry.listener) })));
      portBackends.push(front.backends);
      const previous = state.tlsPorts.get(port);
      const sameFront = previous !== undefined && JSON.stringify(previous.ir.tls) === JSON.stringify(front.config);
      const ir = sameFront && previous.base === built.port ? previous.ir : { ...built.port, tls: sameFront ? (previous.ir.tls as IRTlsPortConfig) : front.config };
      tlsPorts.set(port, { base: built.port, ir });
      ports.push(ir);
    }
    state.ports = builders;
    state.tlsPorts = tlsPorts;
    state.streamPorts = streamPorts;

    if (!sameList(state.portBackends, portBackends) || changed.has('endpointSlices') || state.ir === undefined) {
      state.portBackends = portBackends;
      combineBackends(state, index);
    }
    const certificates = Object.keys(tls.certificates).length === 0 ? undefined : tls.certificates;
    const previous = state.ir;
    if (previous !== undefined && previous.backends === state.backends && previous.certificates === certificates && sameList(previous.ports, ports)) return previous;
    state.ir = {
      name: gateway.irName,
      namespace: gateway.namespace,
      gatewayName: gateway.name,
      ports,
      backends: state.backends,
      ...(certificates === undefined ? {} : { certificates }),
    };
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
