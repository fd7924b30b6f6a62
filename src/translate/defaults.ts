// CRD defaults, applied in one place. In a cluster the API server fills these
// fields in; files may leave them out, so translate() reads every defaulted
// field through these helpers and never through the raw object.
import type { EndpointPort, Service, ServicePort } from '../model/core.ts';
import type {
  BackendObjectReference,
  BackendRef,
  FromNamespaces,
  GRPCMethodMatch,
  GRPCRouteMatch,
  GRPCRouteRule,
  HTTPCORSFilter,
  HTTPHeaderMatch,
  HTTPQueryParamMatch,
  HTTPRequestRedirectFilter,
  HTTPRoute,
  HTTPRouteMatch,
  HTTPRouteRule,
  Listener,
  ParentReference,
  RouteGroupKind,
} from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';

/** Namespaced objects written without metadata.namespace live in "default". */
export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(meta: { namespace?: string }): string {
  return meta.namespace === undefined || meta.namespace === '' ? DEFAULT_NAMESPACE : meta.namespace;
}

// ---------------------------------------------------------------- references

export function parentRefGroup(ref: ParentReference): string {
  return ref.group ?? GATEWAY_GROUP;
}

export function parentRefKind(ref: ParentReference): string {
  return ref.kind ?? 'Gateway';
}

/** The namespace a parentRef points into: the route's own when unset. */
export function parentRefNamespace(ref: ParentReference, routeNamespace: string): string {
  return ref.namespace === undefined || ref.namespace === '' ? routeNamespace : ref.namespace;
}

export function backendRefGroup(ref: BackendObjectReference): string {
  return ref.group ?? '';
}

export function backendRefKind(ref: BackendObjectReference): string {
  return ref.kind ?? 'Service';
}

export function backendRefNamespace(ref: BackendObjectReference, routeNamespace: string): string {
  return ref.namespace === undefined || ref.namespace === '' ? routeNamespace : ref.namespace;
}

export function backendRefWeight(ref: BackendRef): number {
  return ref.weight ?? 1;
}

export function routeGroupKindGroup(kind: RouteGroupKind): string {
  return kind.group ?? GATEWAY_GROUP;
}

// ---------------------------------------------------------------- listeners

export function allowedRoutesFrom(listener: Listener): FromNamespaces {
  return listener.allowedRoutes?.namespaces?.from ?? 'Same';
}

// ---------------------------------------------------------------- HTTPRoute

const DEFAULT_HTTP_MATCH: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

/** spec.rules, or the CRD default: one rule matching every path, with no backends. */
export function httpRouteRules(route: HTTPRoute): readonly HTTPRouteRule[] {
  const rules = route.spec.rules;
  return rules === undefined || rules.length === 0 ? [{ matches: [DEFAULT_HTTP_MATCH] }] : rules;
}

/** A rule's matches; none means "PathPrefix /" (HTTPRouteRule.matches). */
export function httpRuleMatches(rule: HTTPRouteRule): readonly HTTPRouteMatch[] {
  return rule.matches === undefined || rule.matches.length === 0 ? [DEFAULT_HTTP_MATCH] : rule.matches;
}

export function pathMatchOf(match: HTTPRouteMatch): { type: string; value: string } {
  return { type: match.path?.type ?? 'PathPrefix', value: match.path?.value ?? '/' };
}

export function stringMatchType(match: HTTPHeaderMatch | HTTPQueryParamMatch): string {
  return match.type ?? 'Exact';
}

export function redirectStatusCode(redirect: HTTPRequestRedirectFilter): number {
  return redirect.statusCode ?? 302;
}

export function corsMaxAge(cors: HTTPCORSFilter): number {
  return cors.maxAge ?? 5;
}

export function fractionDenominator(fraction: { denominator?: number }): number {
  return fraction.denominator ?? 100;
}

// ---------------------------------------------------------------- GRPCRoute

/** A GRPCRoute rule's matches; none matches every gRPC request. */
export function grpcRuleMatches(rule: GRPCRouteRule): readonly GRPCRouteMatch[] {
  return rule.matches === undefined || rule.matches.length === 0 ? [{}] : rule.matches;
}

export function grpcMethodMatchType(method: GRPCMethodMatch): string {
  return method.type ?? 'Exact';
}

// ---------------------------------------------------------------- core kinds

export function serviceType(service: Service): string {
  return service.spec.type ?? 'ClusterIP';
}

export function servicePortProtocol(port: ServicePort | EndpointPort): string {
  return port.protocol ?? 'TCP';
}

export function addressType(address: { type?: string }): string {
  return address.type ?? 'IPAddress';
}
