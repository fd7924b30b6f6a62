// Randomized agreement: over many generated ports and requests drawn from a
// small alphabet (so that paths, hosts, headers and query parameters collide
// often), the compiled router must pick exactly the entry the reference
// matcher picks. Seeded, so a failure replays; bounded, so it stays fast.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRPathMatch, IRStringMatch } from '../../ir/types.ts';
import { buildPort, entry, type EntrySpec } from './cases.ts';
import { compileRouter } from './compile.ts';
import { referenceRoute } from './reference.ts';
import type { RouteRequest } from './request.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

const prng = seededRandom;

const ELEMENTS = ['a', 'b', 'ab', ''];
const PATTERN_VALUES = ['/', '/a', '/a/', '/a/b', '/ab', '/b/a', '/a/b/', '//', 'a', ''];
const REGEXES = ['/a.*', '/a/[ab]+', '.*b', '/(a|b)/?', '/a(', '/', '/a|/b', '/ab?', '/a/b*', '\\/a/.*', '^/ab$', '/a[|/]b.*'];
const HOST_PATTERNS = ['a.com', 'b.a.com', '*.a.com', '*.b.a.com', '*', 'c.com', '*.com'];
const HOSTS = ['a.com', 'b.a.com', 'x.b.a.com', 'x.a.com', 'c.com', 'd.com', 'com', '', '*.a.com'];
const HEADER_NAMES = ['x-a', 'x-b', 'X-A'];
const RECEIVED_HEADER_NAMES = ['x-a', 'X-A', 'x-b', 'X-b', 'x-c'];
const VALUES = ['1', '2', '', '1,2'];
const QUERY_NAMES = ['q', 'Q', 'r'];
const METHODS = ['GET', 'POST', 'get'];

test('compiled router agrees with the reference matcher on random ports and requests', () => {
  const random = prng(20250601);
  const pickFrom = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number): boolean => random() < p;

  const pathMatch = (): IRPathMatch => {
    const roll = random();
    if (roll < 0.15) return { type: 'RegularExpression', value: pickFrom(REGEXES) };
    return { type: roll < 0.45 ? 'Exact' : 'PathPrefix', value: pickFrom(PATTERN_VALUES) };
  };
  const stringMatches = (names: readonly string[]): IRStringMatch[] =>
    chance(0.7) ? [] : [{
      name: pickFrom(names),
      type: chance(0.25) ? 'RegularExpression' : 'Exact',
      value: chance(0.25) ? pickFrom(['[12]', '.*', '1,.*', '(']) : pickFrom(VALUES),
    }];
  const requestPath = (): string => {
    if (chance(0.03)) return pickFrom(['', '*', 'a']);
    const depth = Math.floor(random() * 4);
    return `/${Array.from({ length: depth }, () => pickFrom(ELEMENTS)).join('/')}`;
  };
  const requestQuery = (): string =>
    Array.from({ length: Math.floor(random() * 3) }, () =>
      chance(0.2) ? pickFrom(QUERY_NAMES) : `${pickFrom(QUERY_NAMES)}=${pickFrom(VALUES)}`).join('&');

  /** A Host the pattern covers, so that most requests reach a virtual host. */
  const hostFor = (pattern: string): string => {
    if (pattern === '*') return pickFrom(HOSTS);
    return pattern.startsWith('*.') ? `${pickFrom(['x', 'y.x'])}${pattern.slice(1)}` : pattern;
  };

  let compared = 0;
  let routed = 0;
  for (let iteration = 0; iteration < 3000; iteration++) {
    const hosts: Record<string, EntrySpec[]> = {};
    for (let h = 0; h < 1 + Math.floor(random() * 4); h++) {
      hosts[pickFrom(HOST_PATTERNS)] = Array.from({ length: Math.floor(random() * 7) }, () =>
        entry(pathMatch(), `rule-${Math.floor(random() * 5)}`, {
          ...(chance(0.2) ? { method: pickFrom(['GET', 'POST']) } : {}),
          headers: stringMatches(HEADER_NAMES),
          queryParams: stringMatches(QUERY_NAMES),
        }));
    }
    const port = buildPort(hosts);
    const router = compileRouter(port);
    for (let r = 0; r < 12; r++) {
      const request: RouteRequest = {
        method: pickFrom(METHODS),
        host: chance(0.5) ? pickFrom(HOSTS) : hostFor(pickFrom(Object.keys(hosts))),
        path: requestPath(),
        query: requestQuery(),
        headers: Array.from({ length: Math.floor(random() * 3) }, () => [pickFrom(RECEIVED_HEADER_NAMES), pickFrom(VALUES)]).flat(),
      };
      const expected = referenceRoute(port, request);
      const actual = router.route(request);
      compared++;
      if (expected !== undefined) routed++;
      if (actual?.match !== expected?.match || actual?.vhost !== expected?.vhost) {
        assert.fail(`disagreement at iteration ${iteration}:\n${JSON.stringify({ hosts, request }, null, 1)}\n`
          + `reference: ${JSON.stringify(expected?.match)} compiled: ${JSON.stringify(actual?.match)}`);
      }
    }
  }
  // The generator must exercise both outcomes, or the agreement means little.
  assert.ok(routed > compared / 10 && routed < compared, `routed ${routed} of ${compared}`);
});
