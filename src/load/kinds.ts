// The kinds and API versions Portico reads, and the schema for each. The
// Gateway API versions are the ones the v1.6.1 CRDs serve, in either channel
// (config/crd/standard and config/crd/experimental): conversion between them
// is the identity, so one model type covers all versions of a kind.
import type { AnyObject, KnownKind } from '../model/resources.ts';
import type { Schema } from './schema/dsl.ts';
import { configMap, endpointSlice, namespace, secret, service } from './schema/core.ts';
import { gateway, gatewayClass, listenerSet } from './schema/gateway.ts';
import { grpcRoute } from './schema/grpcroute.ts';
import { httpRoute } from './schema/httproute.ts';
import { L4_V1, L4_V1ALPHA2, tcpRoute, tlsRoute, udpRoute } from './schema/l4routes.ts';
import { backendTLSPolicy, referenceGrant } from './schema/policy.ts';

export interface KindInfo {
  kind: KnownKind;
  /** Cluster-scoped kinds (GatewayClass, Namespace) have no metadata.namespace. */
  namespaced: boolean;
  /** apiVersion → schema. */
  versions: ReadonlyMap<string, Schema<AnyObject>>;
}

const GW = 'gateway.networking.k8s.io';

function versions(entries: [string, Schema<unknown>][]): ReadonlyMap<string, Schema<AnyObject>> {
  return new Map(entries as [string, Schema<AnyObject>][]);
}

function gatewayAPI(kind: KnownKind, namespaced: boolean, served: Record<string, Schema<unknown>>): KindInfo {
  return { kind, namespaced, versions: versions(Object.entries(served).map(([v, s]) => [`${GW}/${v}`, s])) };
}

const tlsRouteV1 = tlsRoute(L4_V1);

const KINDS: KindInfo[] = [
  gatewayAPI('GatewayClass', false, { v1: gatewayClass, v1beta1: gatewayClass }),
  gatewayAPI('Gateway', true, { v1: gateway, v1beta1: gateway }),
  gatewayAPI('ListenerSet', true, { v1: listenerSet }),
  gatewayAPI('HTTPRoute', true, { v1: httpRoute, v1beta1: httpRoute }),
  gatewayAPI('GRPCRoute', true, { v1: grpcRoute }),
  gatewayAPI('TLSRoute', true, { v1: tlsRouteV1, v1alpha3: tlsRouteV1, v1alpha2: tlsRoute(L4_V1ALPHA2) }),
  gatewayAPI('TCPRoute', true, { v1: tcpRoute(L4_V1), v1alpha2: tcpRoute(L4_V1ALPHA2) }),
  gatewayAPI('UDPRoute', true, { v1: udpRoute(L4_V1), v1alpha2: udpRoute(L4_V1ALPHA2) }),
  gatewayAPI('ReferenceGrant', true, { v1: referenceGrant, v1beta1: referenceGrant }),
  gatewayAPI('BackendTLSPolicy', true, { v1: backendTLSPolicy, v1alpha3: backendTLSPolicy }),
  { kind: 'Service', namespaced: true, versions: versions([['v1', service]]) },
  { kind: 'EndpointSlice', namespaced: true, versions: versions([['discovery.k8s.io/v1', endpointSlice]]) },
  { kind: 'Secret', namespaced: true, versions: versions([['v1', secret]]) },
  { kind: 'ConfigMap', namespaced: true, versions: versions([['v1', configMap]]) },
  { kind: 'Namespace', namespaced: false, versions: versions([['v1', namespace]]) },
];

const BY_KIND: ReadonlyMap<string, KindInfo> = new Map(KINDS.map((info) => [info.kind, info]));

export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

export const KNOWN_KINDS: readonly string[] = KINDS.map((info) => info.kind);
