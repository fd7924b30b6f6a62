import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatchEntry } from './precedence.ts';
import { compareMatchEntries } from './precedence.ts';
import type { CompiledMatch, RouteInfo } from './route-model.ts';

function route(name: string, creationTimestamp?: string, namespace = 'ns'): RouteInfo {
  return { kind: 'HTTPRoute', namespace, name, hostnames: [], creationTimestamp };
}

function entry(label: string, options: { route?: RouteInfo; hostname?: string; precedence?: number[]; rule?: number; match?: number }): MatchEntry & { label: string } {
  const match: CompiledMatch = { ir: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] }, precedence: options.precedence ?? [2, -1, 1, 0, 0] };
  return { label, route: options.route ?? route('r'), hostname: options.hostname ?? '*', ruleIndex: options.rule ?? 0, matchIndex: options.match ?? 0, match };
}

function order(entries: (MatchEntry & { label: string })[]): string[] {
  return [...entries].reverse().sort(compareMatchEntries).map((e) => e.label);
}

test('precedence: matching hostname first (non-wildcard characters, then characters)', () => {
  assert.deepEqual(
    order([entry('any', {}), entry('wild', { hostname: '*.example.com' }), entry('exact', { hostname: 'a.example.com' }), entry('longer-wild', { hostname: '*.api.example.com' })]),
    ['exact', 'longer-wild', 'wild', 'any'],
  );
});

test('precedence: match key before route age, route age before name, then rule and match order', () => {
  const old = route('z-old', '2020-01-01T00:00:00Z');
  const young = route('a-young', '2024-01-01T00:00:00Z');
  const undated = route('0-undated');
  assert.deepEqual(
    order([
      entry('young-long-path', { route: young, precedence: [2, -10, 1, 0, 0] }),
      entry('old', { route: old }),
      entry('young', { route: young }),
      entry('undated', { route: undated }),
      entry('old-rule-1', { route: old, rule: 1 }),
      entry('old-rule-0-match-1', { route: old, match: 1 }),
    ]),
    ['young-long-path', 'old', 'old-rule-0-match-1', 'old-rule-1', 'young', 'undated'],
  );
  const sameAge = '2022-02-02T00:00:00Z';
  assert.deepEqual(order([entry('b', { route: route('b', sameAge) }), entry('a', { route: route('a', sameAge) }), entry('other-ns', { route: route('a', sameAge, 'aa') })]), ['other-ns', 'a', 'b']);
});
