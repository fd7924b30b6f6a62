// A backendRef → an IR backend, resolved as DESIGN.md "Backends without a
// cluster" says: the Service gives the port and appProtocol, the ready
// endpoints come from the EndpointSlices labelled with the Service's name
// (the slice port named like the Service port gives the endpoint port, which
// is how named targetPorts resolve), and ExternalName Services resolve by DNS.
// Failures carry the HTTPBackendRef reasons (InvalidKind, RefNotPermitted,
// BackendNotFound, UnsupportedProtocol).
//
// Resolution stops short of the endpoints (a BackendTarget, see
// route-model.ts); backendIR() adds them when a Gateway's backends are built.
import type { IRBackend, IRBackendProtocol, IREndpoint } from '../ir/types.ts';
import type { Service, ServicePort } from '../model/core.ts';
import type { BackendObjectReference } from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';
import { backendRefGroup, backendRefKind, backendRefNamespace, servicePortProtocol, serviceType } from './defaults.ts';
import { referencePermitted } from './referencegrant.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { BackendTarget, RouteInfo, RouteProblem } from './route-model.ts';
import { RouteReason } from './status/reasons.ts';

export type BackendResolution = { ok: true; backend: BackendTarget } | { ok: false; problem: RouteProblem };

function fail(reason: string, message: string): BackendResolution {
  return { ok: false, problem: { reason, message } };
}

/**
 * How Portico speaks to the backend (KEP-3726 standard application
 * protocols). Without an appProtocol, HTTP and its upgrades (HTTP/1.1) for
 * HTTPRoute; gRPC needs HTTP/2, so GRPCRoute infers h2c (BackendRef: "MAY
 * infer the protocol from the Route type").
 */
function backendProtocol(port: ServicePort | undefined, route: RouteInfo): IRBackendProtocol | { unsupported: string } {
  const appProtocol = port?.appProtocol;
  if (route.kind === 'GRPCRoute') {
    if (appProtocol === 'kubernetes.io/ws' || appProtocol === 'kubernetes.io/wss') return { unsupported: `appProtocol ${appProtocol} cannot carry gRPC` };
    return 'h2c';
  }
  switch (appProtocol) {
    case 'kubernetes.io/h2c':
      return 'h2c';
    case 'kubernetes.io/ws':
      return 'ws';
    case 'kubernetes.io/wss':
      return 'wss';
    default:
      return 'http1';
  }
}

/** Ready endpoints (conditions.ready absent counts as ready) on the slice port named like the Service port. */
function readyEndpoints(service: Service, servicePort: ServicePort, index: ResourceIndex, namespace: string): IREndpoint[] {
  const portName = servicePort.name ?? '';
  const transport = servicePortProtocol(servicePort);
  const seen = new Set<string>();
  const endpoints: IREndpoint[] = [];
  for (const slice of index.endpointSlices(namespace, service.metadata.name)) {
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && servicePortProtocol(p) === transport);
    if (slicePort?.port === undefined) continue;
    for (const endpoint of slice.endpoints) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses) {
        const key = `${address}|${slicePort.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        endpoints.push({ address, port: slicePort.port });
      }
    }
  }
  return endpoints.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
}

/**
 * kubernetes.io/wss is WebSocket over TLS, and Portico dials TLS to a backend
 * only as a BackendTLSPolicy says (which CAs, which hostname): without one it
 * cannot speak the port's protocol, so the ref is unresolved and its share of
 * requests answers 500 rather than reaching an unverified backend.
 */
function wssWithoutPolicy(display: string, port: number, portName: string | undefined): BackendResolution {
  const target = portName === undefined || portName === '' ? `Service ${display}` : `Service ${display} (or its port ${portName})`;
  return fail(RouteReason.UnsupportedProtocol, `Service ${display} port ${port} has appProtocol kubernetes.io/wss (WebSocket over TLS), but no BackendTLSPolicy applies to it: add one targeting ${target} so Portico can verify the backend`);
}

export function resolveBackendRef(ref: BackendObjectReference, route: RouteInfo, index: ResourceIndex): BackendResolution {
  const group = backendRefGroup(ref);
  const kind = backendRefKind(ref);
  const namespace = backendRefNamespace(ref, route.namespace);
  const display = `${namespace}/${ref.name}`;
  if (group !== '' || kind !== 'Service') {
    return fail(RouteReason.InvalidKind, `backendRef ${group === '' ? 'core' : group}/${kind} ${ref.name}: only Services (group "", kind Service) are supported`);
  }
  const permitted = referencePermitted(
    index,
    { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace },
    { group: '', kind: 'Service', namespace, name: ref.name },
  );
  if (!permitted) return fail(RouteReason.RefNotPermitted, `backendRef to Service ${display} is not permitted by any ReferenceGrant in namespace ${namespace}`);
  if (ref.port === undefined) return fail(RouteReason.UnsupportedValue, `backendRef to Service ${display} needs a port`);
  const service = index.service(namespace, ref.name);
  if (service === undefined) return fail(RouteReason.BackendNotFound, `Service ${display} not found`);

  const transport = route.kind === 'UDPRoute' ? 'UDP' : 'TCP';
  // A Service's UDP port is another backend than its TCP port of the same number.
  const name = `service/${namespace}/${ref.name}/${ref.port}${transport === 'UDP' ? '/udp' : ''}`;
  const servicePort = (service.spec.ports ?? []).find((p) => p.port === ref.port && servicePortProtocol(p) === transport);
  if (serviceType(service) === 'ExternalName') {
    const hostname = service.spec.externalName;
    if (hostname === undefined || hostname === '') return fail(RouteReason.BackendNotFound, `ExternalName Service ${display} has no externalName`);
    const protocol = backendProtocol(servicePort, route);
    if (typeof protocol !== 'string') return fail(RouteReason.UnsupportedProtocol, `Service ${display} port ${ref.port}: ${protocol.unsupported}`);
    if (protocol === 'wss' && route.kind === 'HTTPRoute' && index.backendTlsPolicy(namespace, ref.name, servicePort?.name) === undefined) return wssWithoutPolicy(display, ref.port, servicePort?.name);
    return { ok: true, backend: { name, protocol, externalName: { hostname: hostname.toLowerCase(), port: ref.port } } };
  }
  if (servicePort === undefined) return fail(RouteReason.BackendNotFound, `Service ${display} has no ${transport} port ${ref.port}`);
  const protocol = backendProtocol(servicePort, route);
  if (typeof protocol !== 'string') return fail(RouteReason.UnsupportedProtocol, `Service ${display} port ${ref.port}: ${protocol.unsupported}`);
  if (protocol === 'wss' && route.kind === 'HTTPRoute' && index.backendTlsPolicy(namespace, ref.name, servicePort.name) === undefined) return wssWithoutPolicy(display, ref.port, servicePort.name);
  return { ok: true, backend: { name, protocol, endpointsOf: { namespace, service, port: servicePort } } };
}

/** The IR backend of a target, with the ready endpoints the index holds for it now. */
export function backendIR(target: BackendTarget, index: ResourceIndex): IRBackend {
  const source = target.endpointsOf;
  const endpoints = source === undefined ? [] : readyEndpoints(source.service, source.port, index, source.namespace);
  return { name: target.name, protocol: target.protocol, endpoints, ...(target.externalName === undefined ? {} : { externalName: target.externalName }) };
}

/** Targets that make the same IR backend from the same slices. */
export function sameTarget(a: BackendTarget, b: BackendTarget): boolean {
  return (
    a === b ||
    (a.name === b.name &&
      a.protocol === b.protocol &&
      a.externalName?.hostname === b.externalName?.hostname &&
      a.externalName?.port === b.externalName?.port &&
      a.endpointsOf?.namespace === b.endpointsOf?.namespace &&
      a.endpointsOf?.service === b.endpointsOf?.service &&
      a.endpointsOf?.port === b.endpointsOf?.port)
  );
}
