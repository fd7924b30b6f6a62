// TLSRoute, TCPRoute and UDPRoute. No listener Portico serves carries them
// yet (protocols.ts), so they compile to their identity and the reference
// problems of their backendRefs, which is all their status needs; their IR
// comes with the listeners that serve them.
import type { TCPRoute, TLSRoute, UDPRoute } from '../model/gatewayapi.ts';
import { resolveBackendRef } from './backendref.ts';
import { namespaceOf } from './defaults.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { CompiledRoute, RouteInfo, RouteProblem } from './route-model.ts';

export function compileL4Route(route: TLSRoute | TCPRoute | UDPRoute, index: ResourceIndex): CompiledRoute {
  const info: RouteInfo = {
    kind: route.kind,
    namespace: namespaceOf(route.metadata),
    name: route.metadata.name,
    hostnames: route.kind === 'TLSRoute' ? (route.spec.hostnames ?? []).map((h) => h.toLowerCase()) : [],
    creationTimestamp: route.metadata.creationTimestamp,
  };
  const refProblems: RouteProblem[] = [];
  for (const rule of route.spec.rules ?? []) {
    for (const ref of rule.backendRefs ?? []) {
      const resolved = resolveBackendRef(ref, info, index);
      if (!resolved.ok) refProblems.push(resolved.problem);
    }
  }
  return { info, irName: `${route.kind.toLowerCase()}/${info.namespace}/${info.name}`, rules: [], refProblems };
}
