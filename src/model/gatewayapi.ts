// Gateway API v1.6 kinds (gateway.networking.k8s.io), as TypeScript types.
// Field names and optionality follow the Go API types in apis/v1 of
// kubernetes-sigs/gateway-api. Fields marked "defaulted" carry a CRD default:
// the API server fills them in a cluster, files may leave them out, so
// translate() treats an absent value as the CRD default (src/translate/defaults.ts)
// and the loader passes objects through as written.

import type { Condition, LabelSelector, ObjectMeta } from './meta.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

// ---------------------------------------------------------------- references

export interface ParentReference {
  group?: string; // defaulted: gateway.networking.k8s.io
  kind?: string; // defaulted: Gateway
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface ParentGatewayReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface BackendObjectReference {
  group?: string; // defaulted: "" (core)
  kind?: string; // defaulted: Service
  name: string;
  namespace?: string;
  port?: number;
}

export interface BackendRef extends BackendObjectReference {
  weight?: number; // defaulted: 1
}

export interface SecretObjectReference {
  group?: string; // defaulted: ""
  kind?: string; // defaulted: Secret
  name: string;
  namespace?: string;
}

export interface LocalObjectReference {
  group: string;
  kind: string;
  name: string;
}

export interface ObjectReference {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface RouteGroupKind {
  group?: string; // defaulted: gateway.networking.k8s.io
  kind: string;
}

// ---------------------------------------------------------------- status

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteStatus {
  parents: RouteParentStatus[];
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatusAddress {
  type?: string;
  value: string;
}

export interface GatewayStatus {
  addresses?: GatewayStatusAddress[];
  conditions: Condition[];
  listeners?: ListenerStatus[];
  attachedListenerSets?: number;
}

export interface GatewayClassStatus {
  conditions: Condition[];
  supportedFeatures?: { name: string }[];
}

export interface ListenerSetStatus {
  conditions: Condition[];
  listeners?: ListenerStatus[];
}

export interface PolicyAncestorStatus {
  ancestorRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface PolicyStatus {
  ancestors: PolicyAncestorStatus[];
}

// ---------------------------------------------------------------- GatewayClass

export interface GatewayClass {
  apiVersion: string;
  kind: 'GatewayClass';
  metadata: ObjectMeta;
  spec: {
    controllerName: string;
    parametersRef?: { group: string; kind: string; name: string; namespace?: string };
    description?: string;
  };
  status?: GatewayClassStatus;
}

// ---------------------------------------------------------------- Gateway

export type ProtocolType = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | (string & {});
export type TLSModeType = 'Terminate' | 'Passthrough';
export type FromNamespaces = 'All' | 'Same' | 'Selector' | 'None';

export interface RouteNamespaces {
  from?: FromNamespaces; // defaulted: Same
  selector?: LabelSelector;
}

export interface AllowedRoutes {
  namespaces?: RouteNamespaces; // defaulted: {from: Same}
  kinds?: RouteGroupKind[];
}

export interface ListenerTLSConfig {
  mode?: TLSModeType; // defaulted: Terminate
  certificateRefs?: SecretObjectReference[];
  options?: Record<string, string>;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: ProtocolType;
  tls?: ListenerTLSConfig;
  allowedRoutes?: AllowedRoutes; // defaulted
}

export interface FrontendTLSValidation {
  caCertificateRefs: ObjectReference[];
  mode?: 'AllowValidOnly' | 'AllowInsecureFallback'; // defaulted: AllowValidOnly
}

export interface FrontendTLSConfig {
  default: { validation?: FrontendTLSValidation };
  perPort?: { port: number; tls: { validation?: FrontendTLSValidation } }[];
}

export interface GatewayTLSConfig {
  backend?: { clientCertificateRef?: SecretObjectReference };
  frontend?: FrontendTLSConfig;
}

export interface Gateway {
  apiVersion: string;
  kind: 'Gateway';
  metadata: ObjectMeta;
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: { type?: string; value?: string }[];
    infrastructure?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      parametersRef?: { group: string; kind: string; name: string };
    };
    allowedListeners?: { namespaces?: { from?: FromNamespaces; selector?: LabelSelector } };
    tls?: GatewayTLSConfig;
    defaultScope?: string;
  };
  status?: GatewayStatus;
}

// ---------------------------------------------------------------- ListenerSet

export interface ListenerSet {
  apiVersion: string;
  kind: 'ListenerSet';
  metadata: ObjectMeta;
  spec: {
    parentRef: ParentGatewayReference;
    listeners: Listener[];
  };
  status?: ListenerSetStatus;
}

// ---------------------------------------------------------------- HTTPRoute

export type PathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression';
export type StringMatchType = 'Exact' | 'RegularExpression';

export interface HTTPPathMatch {
  type?: PathMatchType; // defaulted: PathPrefix
  value?: string; // defaulted: "/"
}

export interface HTTPHeaderMatch {
  type?: StringMatchType; // defaulted: Exact
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: StringMatchType; // defaulted: Exact
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch; // defaulted: {type: PathPrefix, value: "/"}
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: 'http' | 'https';
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: 301 | 302 | 303 | 307 | 308; // defaulted: 302
}

export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

export interface Fraction {
  numerator: number;
  denominator?: number; // defaulted: 100
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  percent?: number;
  fraction?: Fraction;
}

export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowCredentials?: boolean;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number; // defaulted: 5
}

export interface HTTPExternalAuthFilter {
  protocol: 'HTTP' | 'GRPC';
  backendRef: BackendObjectReference;
  grpc?: { allowedHeaders?: string[] };
  http?: { path?: string; allowedHeaders?: string[]; allowedResponseHeaders?: string[] };
  forwardBody?: { maxSize?: number };
}

export type HTTPRouteFilterType =
  | 'RequestHeaderModifier'
  | 'ResponseHeaderModifier'
  | 'RequestMirror'
  | 'RequestRedirect'
  | 'URLRewrite'
  | 'ExtensionRef'
  | 'CORS'
  | 'ExternalAuth';

export interface HTTPRouteFilter {
  type: HTTPRouteFilterType;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
  cors?: HTTPCORSFilter;
  externalAuth?: HTTPExternalAuthFilter;
  extensionRef?: LocalObjectReference;
}

export interface HTTPBackendRef extends BackendRef {
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteTimeouts {
  request?: string; // GEP-2257 duration
  backendRequest?: string;
}

export interface HTTPRouteRetry {
  codes?: number[];
  attempts?: number;
  backoff?: string;
}

export interface SessionPersistence {
  sessionName?: string;
  absoluteTimeout?: string;
  type?: 'Cookie' | 'Header';
  cookieConfig?: { lifetimeType?: 'Permanent' | 'Session' };
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[]; // defaulted: [{path: {type: PathPrefix, value: "/"}}]
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  timeouts?: HTTPRouteTimeouts;
  retry?: HTTPRouteRetry;
  sessionPersistence?: SessionPersistence;
}

export interface CommonRouteSpec {
  parentRefs?: ParentReference[];
  useDefaultGateways?: string;
}

export interface HTTPRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: ObjectMeta;
  spec: CommonRouteSpec & {
    hostnames?: string[];
    rules?: HTTPRouteRule[]; // defaulted: [{matches: [{path: {type: PathPrefix, value: "/"}}]}]
  };
  status?: RouteStatus;
}

// ---------------------------------------------------------------- GRPCRoute

export interface GRPCMethodMatch {
  type?: StringMatchType; // defaulted: Exact
  service?: string;
  method?: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers?: HTTPHeaderMatch[];
}

export interface GRPCRouteFilter {
  type: 'RequestHeaderModifier' | 'ResponseHeaderModifier' | 'RequestMirror' | 'ExtensionRef';
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  extensionRef?: LocalObjectReference;
}

export interface GRPCBackendRef extends BackendRef {
  filters?: GRPCRouteFilter[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  filters?: GRPCRouteFilter[];
  backendRefs?: GRPCBackendRef[];
  sessionPersistence?: SessionPersistence;
}

export interface GRPCRoute {
  apiVersion: string;
  kind: 'GRPCRoute';
  metadata: ObjectMeta;
  spec: CommonRouteSpec & { hostnames?: string[]; rules?: GRPCRouteRule[] };
  status?: RouteStatus;
}

// ---------------------------------------------------------------- L4 routes

export interface L4RouteRule {
  name?: string;
  backendRefs?: BackendRef[];
}

export interface TLSRoute {
  apiVersion: string;
  kind: 'TLSRoute';
  metadata: ObjectMeta;
  spec: CommonRouteSpec & { hostnames?: string[]; rules?: L4RouteRule[] };
  status?: RouteStatus;
}

export interface TCPRoute {
  apiVersion: string;
  kind: 'TCPRoute';
  metadata: ObjectMeta;
  spec: CommonRouteSpec & { rules?: L4RouteRule[] };
  status?: RouteStatus;
}

export interface UDPRoute {
  apiVersion: string;
  kind: 'UDPRoute';
  metadata: ObjectMeta;
  spec: CommonRouteSpec & { rules?: L4RouteRule[] };
  status?: RouteStatus;
}

// ---------------------------------------------------------------- ReferenceGrant

export interface ReferenceGrant {
  apiVersion: string;
  kind: 'ReferenceGrant';
  metadata: ObjectMeta;
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

// ---------------------------------------------------------------- BackendTLSPolicy

export interface SubjectAltName {
  type: 'Hostname' | 'URI';
  hostname?: string;
  uri?: string;
}

export interface BackendTLSPolicy {
  apiVersion: string;
  kind: 'BackendTLSPolicy';
  metadata: ObjectMeta;
  spec: {
    targetRefs: { group: string; kind: string; name: string; sectionName?: string }[];
    validation: {
      caCertificateRefs?: LocalObjectReference[];
      wellKnownCACertificates?: 'System' | (string & {}); // implementation-specific values are domain-prefixed
      hostname: string;
      subjectAltNames?: SubjectAltName[];
    };
    options?: Record<string, string>;
  };
  status?: PolicyStatus;
}

export type AnyRoute = HTTPRoute | GRPCRoute | TLSRoute | TCPRoute | UDPRoute;
export type RouteKind = AnyRoute['kind'];
