// HTTPRoute → CompiledRoute: each rule's matches, filters, backends,
// timeouts and retry, independent of the listeners it attaches to (the
// redirect port is resolved per port when the IR is built).
import type { HTTPRoute, HTTPRouteRule } from '../model/gatewayapi.ts';
import { httpRouteRules, httpRuleMatches, namespaceOf } from './defaults.ts';
import { compileFilters } from './filters.ts';
import { compileHttpMatch } from './matches.ts';
import type { RegexCheck } from './regex-cache.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { CompiledMatch, CompiledRoute, CompiledRule, RouteInfo, RouteProblem } from './route-model.ts';
import { combineRuleAction, compileRuleBackends } from './rule-backends.ts';
import { checkSessionPersistence, compileRetry, compileTimeouts } from './rule-policies.ts';
import { RouteReason } from './status/reasons.ts';

export function httpRouteInfo(route: HTTPRoute): RouteInfo {
  return {
    kind: 'HTTPRoute',
    namespace: namespaceOf(route.metadata),
    name: route.metadata.name,
    hostnames: (route.spec.hostnames ?? []).map((h) => h.toLowerCase()),
    creationTimestamp: route.metadata.creationTimestamp,
  };
}

function compileRule(rule: HTTPRouteRule, ruleIndex: number, info: RouteInfo, index: ResourceIndex, regex: RegexCheck): { rule: CompiledRule; refProblems: RouteProblem[] } {
  let invalid: RouteProblem | undefined;
  const matches: CompiledMatch[] = [];
  for (const match of httpRuleMatches(rule)) {
    const compiled = compileHttpMatch(match, regex);
    if (compiled.ok) matches.push(compiled.match);
    else invalid ??= compiled.problem;
  }
  const filters = compileFilters(rule.filters ?? [], httpRuleMatches(rule), info, index);
  invalid ??= filters.invalid;
  const refs = rule.backendRefs ?? [];
  if (filters.action.redirect !== undefined && refs.length > 0) {
    invalid ??= { reason: RouteReason.IncompatibleFilters, message: 'a RequestRedirect filter cannot be used together with backendRefs' };
  }
  const timeouts = compileTimeouts(rule.timeouts);
  if (!timeouts.ok) invalid ??= timeouts.problem;
  const retry = compileRetry(rule.retry);
  if (!retry.ok) invalid ??= retry.problem;
  invalid ??= checkSessionPersistence(rule.sessionPersistence);

  const backends = compileRuleBackends(refs, info, index, 500);
  const { action, backends: used } = combineRuleAction(filters, backends, 500, refs.length > 0);
  if (timeouts.ok && timeouts.value !== undefined) action.timeouts = timeouts.value;
  if (retry.ok && retry.value !== undefined) action.retry = retry.value;
  return {
    rule: {
      index: ruleIndex,
      ruleName: rule.name,
      invalid,
      matches,
      action,
      backends: used,
    },
    refProblems: [...filters.refProblems, ...backends.refProblems],
  };
}

export function compileHttpRoute(route: HTTPRoute, index: ResourceIndex, regex: RegexCheck): CompiledRoute {
  const info = httpRouteInfo(route);
  const rules: CompiledRule[] = [];
  const refProblems: RouteProblem[] = [];
  httpRouteRules(route).forEach((rule, i) => {
    const compiled = compileRule(rule, i, info, index, regex);
    rules.push(compiled.rule);
    refProblems.push(...compiled.refProblems);
  });
  return { info, irName: `httproute/${info.namespace}/${info.name}`, rules, refProblems };
}
