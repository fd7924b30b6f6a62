// The listener-independent form every route kind compiles to before it is
// attached: its identity, its rules (kept or dropped, with why), and the
// reference problems its ResolvedRefs condition reports.
import type { IRBackendProtocol, IRCors, IRHeaderEdits, IRHttpMatch, IRMirror, IRRedirect, IRRetry, IRRewrite, IRWeightedBackend } from '../ir/types.ts';
import type { Service, ServicePort } from '../model/core.ts';
import type { RouteKind } from '../model/gatewayapi.ts';

export interface RouteInfo {
  kind: RouteKind;
  namespace: string;
  name: string;
  /** spec.hostnames, lowercase; empty for kinds without hostnames. */
  hostnames: string[];
  creationTimestamp: string | undefined;
}

export interface RouteProblem {
  reason: string;
  message: string;
}

/** A match without its rule index, with the precedence key of its route kind (lower sorts first). */
export interface CompiledMatch {
  ir: Omit<IRHttpMatch, 'rule'>;
  precedence: number[];
}

/** RequestRedirect before its Location port is resolved against a listener. */
export interface RedirectTemplate extends Omit<IRRedirect, 'port'> {
  /** requestRedirect.port as written. */
  explicitPort?: number;
}

export interface RuleAction {
  requestHeaders?: IRHeaderEdits;
  responseHeaders?: IRHeaderEdits;
  redirect?: RedirectTemplate;
  rewrite?: IRRewrite;
  mirrors: IRMirror[];
  cors?: IRCors;
  directResponse?: { status: number; body?: string };
  backends: IRWeightedBackend[];
  timeouts?: { requestMs?: number; backendRequestMs?: number };
  retry?: IRRetry;
}

/**
 * A backendRef resolved to an IR backend, all but its endpoints: those come
 * from the Service's EndpointSlices when a Gateway's backends are assembled
 * (gateway-ir.ts), so an EndpointSlice change touches only the backends of its
 * Service, never the routes that name it.
 */
export interface BackendTarget {
  /** "service/<ns>/<name>/<port>" */
  name: string;
  protocol: IRBackendProtocol;
  /** ExternalName Service: resolved by DNS at connect time, no endpoints. */
  externalName?: { hostname: string; port: number };
  /** The Service port whose EndpointSlices hold the endpoints (absent for ExternalName). */
  endpointsOf?: { namespace: string; service: Service; port: ServicePort };
}

export interface CompiledRule {
  index: number;
  ruleName: string | undefined;
  /** Set when the rule is dropped (GEP-1364 PartiallyInvalid / Accepted=False). */
  invalid: RouteProblem | undefined;
  matches: CompiledMatch[];
  action: RuleAction;
  /** Every backend the action names (weighted backends and mirrors). */
  backends: BackendTarget[];
}

export interface CompiledRoute {
  info: RouteInfo;
  /** "httproute/<ns>/<name>" — rule names append "/rule/<index>". */
  irName: string;
  rules: CompiledRule[];
  /** ResolvedRefs=False when not empty; the first problem gives the reason. */
  refProblems: RouteProblem[];
}

export function routeKey(info: RouteInfo): string {
  return `${info.kind}/${info.namespace}/${info.name}`;
}
