// The listener-independent form every route kind compiles to before it is
// attached: its identity, its rules (kept or dropped, with why), and the
// reference problems its ResolvedRefs condition reports.
import type { IRBackend, IRCors, IRHeaderEdits, IRHttpMatch, IRMirror, IRRedirect, IRRetry, IRRewrite, IRWeightedBackend } from '../ir/types.ts';
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

export interface CompiledRule {
  index: number;
  ruleName: string | undefined;
  /** Set when the rule is dropped (GEP-1364 PartiallyInvalid / Accepted=False). */
  invalid: RouteProblem | undefined;
  matches: CompiledMatch[];
  action: RuleAction;
  /** Every backend the action names (weighted backends and mirrors). */
  backends: IRBackend[];
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
