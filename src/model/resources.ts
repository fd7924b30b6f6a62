// The ResourceSet: every input object, typed and validated, as one immutable
// snapshot handed to translate(). Both providers (file and Kubernetes) build it.

import type { ConfigMap, EndpointSlice, Namespace, Secret, Service } from './core.ts';
import type {
  BackendTLSPolicy,
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  ListenerSet,
  ReferenceGrant,
  TCPRoute,
  TLSRoute,
  UDPRoute,
} from './gatewayapi.ts';
import type { SourceLocation } from './meta.ts';

export interface ResourceSet {
  gatewayClasses: GatewayClass[];
  gateways: Gateway[];
  listenerSets: ListenerSet[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  tlsRoutes: TLSRoute[];
  tcpRoutes: TCPRoute[];
  udpRoutes: UDPRoute[];
  referenceGrants: ReferenceGrant[];
  backendTLSPolicies: BackendTLSPolicy[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  namespaces: Namespace[];
  secrets: Secret[];
  configMaps: ConfigMap[];
}

export type AnyObject = ResourceSet[keyof ResourceSet][number];

/** Which ResourceSet field holds each kind. */
export const KIND_TO_FIELD = {
  GatewayClass: 'gatewayClasses',
  Gateway: 'gateways',
  ListenerSet: 'listenerSets',
  HTTPRoute: 'httpRoutes',
  GRPCRoute: 'grpcRoutes',
  TLSRoute: 'tlsRoutes',
  TCPRoute: 'tcpRoutes',
  UDPRoute: 'udpRoutes',
  ReferenceGrant: 'referenceGrants',
  BackendTLSPolicy: 'backendTLSPolicies',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Namespace: 'namespaces',
  Secret: 'secrets',
  ConfigMap: 'configMaps',
} as const satisfies Record<string, keyof ResourceSet>;

export type KnownKind = keyof typeof KIND_TO_FIELD;

export function emptyResourceSet(): ResourceSet {
  return {
    gatewayClasses: [],
    gateways: [],
    listenerSets: [],
    httpRoutes: [],
    grpcRoutes: [],
    tlsRoutes: [],
    tcpRoutes: [],
    udpRoutes: [],
    referenceGrants: [],
    backendTLSPolicies: [],
    services: [],
    endpointSlices: [],
    namespaces: [],
    secrets: [],
    configMaps: [],
  };
}

/**
 * A loaded object with where it came from. The file provider fills `source`;
 * the Kubernetes provider leaves it out.
 */
export interface Loaded<T> {
  object: T;
  source?: SourceLocation;
}
