// Stream destinations in the IR: TCP and UDP listener ports (IRTcpPort,
// IRUdpPort) and the TLS server entries of a TLS-first port (IRTlsServer).
//
// One route per destination. Several TCPRoutes (or UDPRoutes) on one listener
// are all Accepted and all counted in attachedRoutes, but only the oldest
// (creationTimestamp, then namespace/name) receives connections, as the
// conformance tests TCPRouteMultipleRoutesAttachment and
// UDPRouteMultipleRoutesAttachment require and Envoy Gateway does. Likewise
// the oldest TLSRoute serves a hostname that several claim on one listener.
//
// TLS servers: one per HTTPS listener (its hostname, or "*"), terminating to
// the port's HTTP virtual hosts; one per host pattern a TLSRoute serves
// through a TLS listener (the route and listener hostnames' intersection),
// passing through (mode Passthrough) or terminating to TCP (mode Terminate);
// and one for each TLS listener's own hostname, so that names only it covers
// are refused when no route serves them rather than reaching a less specific
// listener (Listener Isolation). A pattern belongs to the most specific
// listener of the port whose hostname covers it.
import type { IRStreamRoute, IRTcpPort, IRTlsPortConfig, IRTlsServer, IRUdpPort } from '../ir/types.ts';
import { ANY_HOST, coveringPatterns } from './hostname.ts';
import type { AttachedRoute, ServedListener } from './httpport.ts';
import { compareAge } from './kind-conflicts.ts';
import type { ListenerContext } from './listener.ts';
import type { BackendTarget, CompiledRoute } from './route-model.ts';
import type { ListenerTls } from './tls/gateway-tls.ts';

const streamRoutes = new WeakMap<CompiledRoute, { route: IRStreamRoute; backends: readonly BackendTarget[] } | null>();

/** The route's IR stream destination (its one valid rule), the same object for the same compiled route. */
export function streamRouteOf(route: CompiledRoute): { route: IRStreamRoute; backends: readonly BackendTarget[] } | undefined {
  let entry = streamRoutes.get(route);
  if (entry === undefined) {
    const rule = route.rules.find((r) => r.invalid === undefined);
    const kind = route.info.kind;
    entry =
      rule === undefined || (kind !== 'TCPRoute' && kind !== 'UDPRoute' && kind !== 'TLSRoute')
        ? null
        : {
            route: { name: `${route.irName}/rule/${rule.index}`, route: { kind, namespace: route.info.namespace, name: route.info.name }, backends: rule.action.backends },
            backends: rule.backends,
          };
    streamRoutes.set(route, entry);
  }
  return entry ?? undefined;
}

function oldestFirst(routes: ReadonlyMap<string, AttachedRoute>): AttachedRoute[] {
  return [...routes.values()].sort((a, b) => compareAge(a.route, b.route));
}

export interface BuiltStreamPort {
  port: IRTcpPort | IRUdpPort;
  backends: readonly BackendTarget[];
}

/** A TCP or UDP listener's port, served by its oldest route; undefined without one (nothing listens). */
export function buildStreamPort(gatewayIrName: string, served: ServedListener, previous: IRTcpPort | IRUdpPort | undefined): BuiltStreamPort | undefined {
  const { listener } = served;
  const kind = listener.profile?.family === 'udp' ? 'udp' : 'tcp';
  for (const attached of oldestFirst(served.routes)) {
    const stream = streamRouteOf(attached.route);
    if (stream === undefined) continue;
    if (previous !== undefined && previous.kind === kind && previous.route === stream.route && previous.listener === listener.irName && previous.port === listener.port) {
      return { port: previous, backends: stream.backends };
    }
    const base = { name: `${gatewayIrName}/port/${listener.port}${kind === 'udp' ? '/udp' : ''}`, port: listener.port, listener: listener.irName, route: stream.route };
    return { port: kind === 'udp' ? { kind: 'udp', ...base } : { kind: 'tcp', ...base }, backends: stream.backends };
  }
  return undefined;
}

export interface TlsListenerEntry {
  served: ServedListener;
  tls: ListenerTls | undefined;
}

export interface BuiltTlsConfig {
  config: IRTlsPortConfig;
  backends: readonly BackendTarget[];
}

function compareServers(a: IRTlsServer, b: IRTlsServer): number {
  return a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0;
}

/** The TLS front of a port: its HTTPS and TLS listeners' server entries, by SNI pattern. */
export function buildTlsConfig(entries: readonly TlsListenerEntry[]): BuiltTlsConfig {
  const owners = new Map<string, ListenerContext>();
  for (const { served } of entries) owners.set(served.listener.hostname ?? ANY_HOST, served.listener);
  const ownerOf = (pattern: string) => coveringPatterns(pattern).map((p) => owners.get(p)).find((l) => l !== undefined);

  const servers = new Map<string, IRTlsServer>();
  const backends: BackendTarget[] = [];
  let minVersion: IRTlsPortConfig['minVersion'] = 'TLSv1.2';
  for (const { served, tls } of entries) {
    const { listener } = served;
    const own = listener.hostname ?? ANY_HOST;
    const terminates = listener.tlsMode === 'terminate';
    if (terminates && listener.tlsOptions.minVersion === 'TLSv1.3') minVersion = 'TLSv1.3';
    const base = {
      listener: listener.irName,
      mode: listener.protocol === 'HTTPS' ? ('http' as const) : terminates ? ('tcp' as const) : ('passthrough' as const),
      certificates: terminates ? (tls?.certificates ?? []) : [],
      ...(tls?.clientValidation === undefined ? {} : { clientValidation: tls.clientValidation }),
      ...(listener.tlsOptions.forwardClientCert === true ? { forwardClientCert: true } : {}),
    };
    if (base.mode !== 'http') {
      for (const attached of oldestFirst(served.routes)) {
        const stream = streamRouteOf(attached.route);
        if (stream === undefined) continue;
        for (const hostname of attached.hostnames) {
          if (servers.has(hostname) || ownerOf(hostname) !== listener) continue;
          servers.set(hostname, { hostname, ...base, route: stream.route });
          for (const backend of stream.backends) backends.push(backend);
        }
      }
    }
    if (!servers.has(own)) servers.set(own, { hostname: own, ...base });
  }
  return { config: { servers: [...servers.values()].sort(compareServers), minVersion }, backends };
}
