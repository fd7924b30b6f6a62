// A rule's backendRefs → its weighted split (HTTPRouteRule.backendRefs):
// each valid backendRef gets its weight; an invalid one keeps its weight but
// is answered with an error status, so exactly its share of requests fails;
// weight 0 gets no requests. When nothing can be forwarded, the whole rule
// answers with the error status.
import type { IRWeightedBackend } from '../ir/types.ts';
import type { BackendRef, HTTPRouteFilter } from '../model/gatewayapi.ts';
import { resolveBackendRef } from './backendref.ts';
import { backendRefWeight } from './defaults.ts';
import type { FilterOutcome } from './filters.ts';
import { compileBackendRefFilters } from './filters.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { BackendTarget, RouteInfo, RouteProblem, RuleAction } from './route-model.ts';

export interface RuleBackends {
  weighted: IRWeightedBackend[];
  /** True when there are backendRefs but none can take requests: the rule answers `errorStatus`. */
  nothingToForward: boolean;
  backends: BackendTarget[];
  refProblems: RouteProblem[];
}

/**
 * `errorStatus` answers requests given to invalid backends: 500 for HTTP; 503
 * for gRPC, which gRPC clients read as UNAVAILABLE (GRPCRouteRule.backendRefs).
 */
export function compileRuleBackends(
  refs: readonly (BackendRef & { filters?: readonly HTTPRouteFilter[] })[],
  route: RouteInfo,
  index: ResourceIndex,
  errorStatus: number,
): RuleBackends {
  const result: RuleBackends = { weighted: [], nothingToForward: false, backends: [], refProblems: [] };
  for (const ref of refs) {
    const weight = backendRefWeight(ref);
    const resolved = resolveBackendRef(ref, route, index);
    const filters = compileBackendRefFilters(ref.filters ?? []);
    const problem = !resolved.ok ? resolved.problem : !filters.ok ? filters.problem : undefined;
    if (problem !== undefined || !resolved.ok || !filters.ok) {
      if (problem !== undefined) result.refProblems.push(problem);
      if (weight > 0) result.weighted.push({ weight, status: errorStatus });
      continue;
    }
    if (weight === 0) continue;
    result.backends.push(resolved.backend);
    result.weighted.push({
      weight,
      backend: resolved.backend.name,
      ...(filters.requestHeaders === undefined ? {} : { requestHeaders: filters.requestHeaders }),
      ...(filters.responseHeaders === undefined ? {} : { responseHeaders: filters.responseHeaders }),
    });
  }
  if (refs.length > 0 && !result.weighted.some((w) => w.backend !== undefined)) {
    result.nothingToForward = true;
    result.weighted = [];
  }
  return result;
}

/**
 * A rule's action from its filters and backends. A filter Portico cannot
 * apply answers every request with 500 and sends nothing anywhere, mirrors
 * included (fail closed). A redirect answers by itself. A rule whose
 * backendRefs cannot take requests answers `errorStatus`; a rule without
 * backendRefs answers `noRefsStatus` when given (else the IR's empty
 * backends answer 500).
 */
export function combineRuleAction(
  filters: FilterOutcome,
  backends: RuleBackends,
  errorStatus: number,
  hasRefs: boolean,
  noRefsStatus?: number,
): { action: RuleAction; backends: BackendTarget[] } {
  if (filters.action.directResponse !== undefined) return { action: { ...filters.action, mirrors: [], backends: [] }, backends: [] };
  const action: RuleAction = { ...filters.action, backends: backends.weighted };
  if (action.redirect !== undefined) return { action: { ...action, backends: [] }, backends: filters.mirrorBackends };
  if (backends.nothingToForward) action.directResponse = { status: errorStatus };
  else if (!hasRefs && noRefsStatus !== undefined) action.directResponse = { status: noRefsStatus };
  return { action, backends: [...backends.backends, ...filters.mirrorBackends] };
}
