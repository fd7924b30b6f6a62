// GRPCRoute → CompiledRoute. gRPC requests are HTTP/2 requests to
// "/<service>/<method>", so GRPCRoute rules become the same IR rules as
// HTTPRoute rules (matches.ts maps method matches to paths) and share the
// HTTP listeners' virtual hosts. Invalid backends answer 503, which gRPC
// clients read as UNAVAILABLE (GRPCRouteRule.backendRefs).
import type { GRPCRoute, GRPCRouteRule } from '../model/gatewayapi.ts';
import { grpcRuleMatches, namespaceOf } from './defaults.ts';
import { compileFilters } from './filters.ts';
import { compileGrpcMatch } from './matches.ts';
import type { RegexCheck } from './regex-cache.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { CompiledMatch, CompiledRoute, CompiledRule, RouteInfo, RouteProblem } from './route-model.ts';
import { combineRuleAction, compileRuleBackends } from './rule-backends.ts';
import { checkSessionPersistence } from './rule-policies.ts';

export function grpcRouteInfo(route: GRPCRoute): RouteInfo {
  return {
    kind: 'GRPCRoute',
    namespace: namespaceOf(route.metadata),
    name: route.metadata.name,
    hostnames: (route.spec.hostnames ?? []).map((h) => h.toLowerCase()),
    creationTimestamp: route.metadata.creationTimestamp,
  };
}

function compileRule(rule: GRPCRouteRule, ruleIndex: number, info: RouteInfo, index: ResourceIndex, regex: RegexCheck): { rule: CompiledRule; refProblems: RouteProblem[] } {
  let invalid: RouteProblem | undefined;
  const matches: CompiledMatch[] = [];
  for (const match of grpcRuleMatches(rule)) {
    const compiled = compileGrpcMatch(match, regex);
    if (compiled.ok) matches.push(compiled.match);
    else invalid ??= compiled.problem;
  }
  // GRPCRouteFilter is a subset of HTTPRouteFilter; compileFilters rejects the types gRPC lacks.
  const filters = compileFilters(rule.filters ?? [], [], info, index);
  invalid ??= filters.invalid;
  invalid ??= checkSessionPersistence(rule.sessionPersistence);
  const backends = compileRuleBackends(rule.backendRefs ?? [], info, index, 503);
  const refs = rule.backendRefs ?? [];
  const { action, backends: used } = combineRuleAction(filters, backends, 503, refs.length > 0, 503);
  return {
    rule: { index: ruleIndex, ruleName: rule.name, invalid, matches, action, backends: used },
    refProblems: [...filters.refProblems, ...backends.refProblems],
  };
}

export function compileGrpcRoute(route: GRPCRoute, index: ResourceIndex, regex: RegexCheck): CompiledRoute {
  const info = grpcRouteInfo(route);
  const rules: CompiledRule[] = [];
  const refProblems: RouteProblem[] = [];
  const specRules = route.spec.rules === undefined || route.spec.rules.length === 0 ? [{}] : route.spec.rules;
  specRules.forEach((rule, i) => {
    const compiled = compileRule(rule, i, info, index, regex);
    rules.push(compiled.rule);
    refProblems.push(...compiled.refProblems);
  });
  return { info, irName: `grpcroute/${info.namespace}/${info.name}`, rules, refProblems };
}
