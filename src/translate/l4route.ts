// TLSRoute, TCPRoute and UDPRoute → their one rule's weighted split
// (IRStreamRoute.backends). Each valid backendRef keeps its weight; an
// invalid one (not found, not permitted, wrong kind) keeps its weight with no
// backend, so exactly its share of connections is refused (TCPRouteRule
// backendRefs: "Connection rejections must respect weight"); weight 0 gets
// nothing. A UDPRoute's backends are the Services' UDP ports, named
// "service/<ns>/<name>/<port>/udp" so they never share a backend entry with
// the TCP port of the same number.
//
// One rule per route: v1 allows exactly one, and v1alpha2's extra rules have
// nothing to choose between them, so a route with more is not accepted
// (UnsupportedValue), as Envoy Gateway does.
import type { IRWeightedBackend } from '../ir/types.ts';
import type { TCPRoute, TLSRoute, UDPRoute } from '../model/gatewayapi.ts';
import { resolveBackendRef } from './backendref.ts';
import { backendRefWeight, namespaceOf } from './defaults.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { BackendTarget, CompiledRoute, CompiledRule, RouteInfo, RouteProblem } from './route-model.ts';
import { RouteReason } from './status/reasons.ts';

export type L4Route = TLSRoute | TCPRoute | UDPRoute;

export function compileL4Route(route: L4Route, index: ResourceIndex): CompiledRoute {
  const info: RouteInfo = {
    kind: route.kind,
    namespace: namespaceOf(route.metadata),
    name: route.metadata.name,
    hostnames: route.kind === 'TLSRoute' ? (route.spec.hostnames ?? []).map((h) => h.toLowerCase()) : [],
    creationTimestamp: route.metadata.creationTimestamp,
  };
  const ruleSpecs = route.spec.rules ?? [];
  const refProblems: RouteProblem[] = [];
  const tooMany: RouteProblem | undefined =
    ruleSpecs.length > 1 ? { reason: RouteReason.UnsupportedValue, message: `a ${route.kind} may have one rule; this one has ${ruleSpecs.length}` } : undefined;
  const rules: CompiledRule[] = ruleSpecs.map((spec, ruleIndex) => {
    const weighted: IRWeightedBackend[] = [];
    const targets: BackendTarget[] = [];
    for (const ref of spec.backendRefs ?? []) {
      const weight = backendRefWeight(ref);
      const resolved = resolveBackendRef(ref, info, index);
      if (!resolved.ok) {
        refProblems.push(resolved.problem);
        if (weight > 0) weighted.push({ weight });
        continue;
      }
      if (weight === 0) continue;
      targets.push(resolved.backend);
      weighted.push({ weight, backend: resolved.backend.name });
    }
    return {
      index: ruleIndex,
      ruleName: spec.name,
      invalid: tooMany,
      matches: [],
      action: { mirrors: [], backends: weighted },
      backends: targets,
    };
  });
  return { info, irName: `${route.kind.toLowerCase()}/${info.namespace}/${info.name}`, rules, refProblems };
}
