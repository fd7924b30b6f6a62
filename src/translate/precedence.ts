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

/** Older first; no creationTimestamp counts as newest. */
export function compareAge(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return compareText(a, b);
}

const KIND_RANK: Readonly<Record<string, number>> = { HTTPRoute: 0, GRPCRoute: 1 };

/** A MatchEntry's place in the order, worked out once so that sorting many entries compares plain fields. */
export interface PrecedenceKey {
  exactChars: number;
  chars: number;
  kindRank: number;
  precedence: readonly number[];
  creationTimestamp: string | undefined;
  /** "{namespace}/{name}" */
  routeName: string;
  ruleIndex: number;
  matchIndex: number;
}

export function precedenceKey(entry: MatchEntry): PrecedenceKey {
  const specificity = hostnameSpecificity(entry.hostname);
  return {
    exactChars: specificity.exactChars,
    chars: specificity.chars,
    kindRank: KIND_RANK[entry.route.kind] ?? 9,
    precedence: entry.match.precedence,
    creationTimestamp: entry.route.creationTimestamp,
    routeName: `${entry.route.namespace}/${entry.route.name}`,
    ruleIndex: entry.ruleIndex,
    matchIndex: entry.matchIndex,
  };
}

export function comparePrecedenceKeys(a: PrecedenceKey, b: PrecedenceKey): number {
  return (
    b.exactChars - a.exactChars ||
    b.chars - a.chars ||
    a.kindRank - b.kindRank ||
    compareKeys(a.precedence, b.precedence) ||
    compareAge(a.creationTimestamp, b.creationTimestamp) ||
    compareText(a.routeName, b.routeName) ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

export function compareMatchEntries(a: MatchEntry, b: MatchEntry): number {
  return comparePrecedenceKeys(precedenceKey(a), precedenceKey(b));
}
