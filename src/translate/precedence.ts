// Match precedence across every route of a virtual host, first match wins:
//   1. the route's matching hostname: more characters in a non-wildcard
//      hostname, then more characters in a hostname (HTTPRoute.spec.hostnames);
//   2. the route kind's match criteria (matches.ts: for HTTPRoute path type,
//      path length, method, headers, query params; for GRPCRoute service,
//      method, headers). HTTPRoutes and GRPCRoutes must not share hosts
//      (GRPCRoute.spec.hostnames); if they do, HTTPRoute matches come first;
//   3. the oldest route (creationTimestamp; routes without one count as newest);
//   4. "{namespace}/{name}" alphabetically;
//   5. rule order, then match order within the route.
import { hostnameSpecificity } from './hostname.ts';
import type { CompiledMatch, RouteInfo } from './route-model.ts';

export interface MatchEntry {
  route: RouteInfo;
  /** The route hostname pattern that brings this match into the virtual host. */
  hostname: string;
  ruleIndex: number;
  matchIndex: number;
  match: CompiledMatch;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function compareAge(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return compareText(a, b);
}

const KIND_RANK: Readonly<Record<string, number>> = { HTTPRoute: 0, GRPCRoute: 1 };

export function compareMatchEntries(a: MatchEntry, b: MatchEntry): number {
  const ha = hostnameSpecificity(a.hostname);
  const hb = hostnameSpecificity(b.hostname);
  return (
    hb.exactChars - ha.exactChars ||
    hb.chars - ha.chars ||
    (KIND_RANK[a.route.kind] ?? 9) - (KIND_RANK[b.route.kind] ?? 9) ||
    compareKeys(a.match.precedence, b.match.precedence) ||
    compareAge(a.route.creationTimestamp, b.route.creationTimestamp) ||
    compareText(`${a.route.namespace}/${a.route.name}`, `${b.route.namespace}/${b.route.name}`) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}
