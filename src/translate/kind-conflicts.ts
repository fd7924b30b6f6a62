// HTTPRoute and GRPCRoute on one listener must not share hostnames
// (GRPCRoute.spec.hostnames): when their hostnames intersect, exactly one is
// accepted — the oldest by creationTimestamp, then the first by
// "{namespace}/{name}" — and the other is rejected on that listener.
import { ANY_HOST, coveringPatterns, isWildcard } from './hostname.ts';
import type { ListenerContext } from './listener.ts';
import type { CompiledRoute } from './route-model.ts';
import { routeKey } from './route-model.ts';

export interface ListenerCandidate {
  listener: ListenerContext;
  route: CompiledRoute;
  /** The attachment's own list (only walked here, so not copied into a Set per route and listener). */
  hostnames: readonly string[];
}

/** The host patterns one route kind holds on a listener (with the route holding each), indexed for intersection tests. */
class HostIndex {
  readonly #patterns = new Map<string, string>();
  /** Every ".suffix" of every pattern, so a wildcard can find the patterns it covers. */
  readonly #suffixes = new Map<string, string>();

  add(pattern: string, holder: string): void {
    if (!this.#patterns.has(pattern)) this.#patterns.set(pattern, holder);
    for (let i = pattern.indexOf('.'); i >= 0; i = pattern.indexOf('.', i + 1)) {
      const suffix = pattern.slice(i);
      if (!this.#suffixes.has(suffix)) this.#suffixes.set(suffix, holder);
    }
  }

  /** The route holding a pattern that intersects `pattern`, if any. */
  holderOf(pattern: string): string | undefined {
    if (pattern === ANY_HOST) return this.#patterns.values().next().value;
    for (const covering of coveringPatterns(pattern)) {
      const holder = this.#patterns.get(covering);
      if (holder !== undefined) return holder;
    }
    return isWildcard(pattern) ? this.#suffixes.get(pattern.slice(1)) : undefined;
  }
}

/** Oldest first (creationTimestamp), then by "{namespace}/{name}/{kind}": the order conflicts between routes are settled in. */
export function compareAge(a: CompiledRoute, b: CompiledRoute): number {
  const ta = a.info.creationTimestamp;
  const tb = b.info.creationTimestamp;
  if (ta !== tb) {
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return ta < tb ? -1 : 1;
  }
  const na = `${a.info.namespace}/${a.info.name}/${a.info.kind}`;
  const nb = `${b.info.namespace}/${b.info.name}/${b.info.kind}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Returns, per "listener irName|routeKey", why the route is rejected there. */
export function crossKindRejections(candidates: readonly ListenerCandidate[]): Map<string, string> {
  const rejections = new Map<string, string>();
  const byListener = new Map<ListenerContext, ListenerCandidate[]>();
  for (const candidate of candidates) {
    if (candidate.route.info.kind !== 'HTTPRoute' && candidate.route.info.kind !== 'GRPCRoute') continue;
    const list = byListener.get(candidate.listener);
    if (list === undefined) byListener.set(candidate.listener, [candidate]);
    else list.push(candidate);
  }
  for (const [listener, list] of byListener) {
    if (new Set(list.map((c) => c.route.info.kind)).size < 2) continue;
    const held = { HTTPRoute: new HostIndex(), GRPCRoute: new HostIndex() };
    for (const { route, hostnames } of [...list].sort((a, b) => compareAge(a.route, b.route))) {
      const kind = route.info.kind === 'GRPCRoute' ? 'GRPCRoute' : 'HTTPRoute';
      const other = kind === 'GRPCRoute' ? 'HTTPRoute' : 'GRPCRoute';
      const holder = hostnames.map((h) => held[other].holderOf(h)).find((h) => h !== undefined);
      if (holder !== undefined) {
        rejections.set(
          `${listener.irName}|${routeKey(route.info)}`,
          `on listener ${listener.name} the older ${other} ${holder} serves hostnames this route shares: HTTPRoutes and GRPCRoutes must not share hostnames on a listener`,
        );
        continue;
      }
      for (const h of hostnames) held[kind].add(h, `${route.info.namespace}/${route.info.name}`);
    }
  }
  return rejections;
}
