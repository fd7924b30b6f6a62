// A virtual host's match table compiled in groups picks exactly what the
// whole table picks, over the shared routing cases and random virtual hosts
// whose paths collide often; and a one-match change recompiles only the
// groups of that match's paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRHttpMatch, IRPathMatch, IRVirtualHost } from '../../ir/types.ts';
import { buildPort, entry, routerCases } from '../router/cases.ts';
import { compileMatchTable } from '../router/match-table.ts';
import type { RouteRequest } from '../router/request.ts';
import { compileGroupedTable, groupIn, groupKeyOf } from './grouped-match-table.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

const prng = seededRandom;

test('groups: a match goes with the first element of its path, or to the group every request consults', () => {
  const cases: [IRPathMatch, string | symbol][] = [
    [{ type: 'PathPrefix', value: '/svc-1/api' }, 'svc-1'],
    [{ type: 'PathPrefix', value: '/svc-1/' }, 'svc-1'],
    [{ type: 'PathPrefix', value: '/svc-1' }, 'svc-1'],
    [{ type: 'Exact', value: '/svc-1' }, 'svc-1'],
    [{ type: 'Exact', value: '/' }, ''],
    [{ type: 'PathPrefix', value: '//' }, ''],
  ];
  for (const [path, key] of cases) assert.equal(groupKeyOf({ path, headers: [], queryParams: [], rule: 0 }), key, JSON.stringify(path));
  for (const path of [{ type: 'PathPrefix', value: '/' }, { type: 'PathPrefix', value: '' }, { type: 'Exact', value: 'a' }, { type: 'RegularExpression', value: '/a.*' }] as IRPathMatch[]) {
    assert.equal(typeof groupKeyOf({ path, headers: [], queryParams: [], rule: 0 }), 'symbol', JSON.stringify(path));
  }
});

test('a table in groups agrees with the whole table: shared cases and random virtual hosts', () => {
  for (const { name, port } of routerCases) {
    for (const vhost of port.virtualHosts) {
      const whole = compileMatchTable(vhost, port.rules);
      const grouped = compileGroupedTable(vhost, port.rules, undefined).table;
      for (const { request } of routerCases.flatMap((c) => c.requests)) assert.equal(grouped.lookup(request)?.match, whole.lookup(request)?.match, `${name}: ${request.path}`);
    }
  }
  const random = prng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const values = ['/', '/a', '/a/', '/a/b', '/ab', '/b/a', '/a/b/', '//', 'a', '', '/b', '/c/a'];
  const regexes = ['/a.*', '/(a|b)/?', '.*b', '/ab?'];
  const elements = ['a', 'b', 'ab', 'c', ''];
  let routed = 0;
  for (let round = 0; round < 500; round++) {
    const specs = Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
      const roll = random();
      const path: IRPathMatch = roll < 0.1 ? { type: 'RegularExpression', value: pick(regexes) } : { type: roll < 0.4 ? 'Exact' : 'PathPrefix', value: pick(values) };
      return entry(path, `rule-${Math.floor(random() * 4)}`, random() < 0.2 ? { method: pick(['GET', 'POST']) } : {});
    });
    const port = buildPort({ '*': specs });
    const vhost = port.virtualHosts[0] as IRVirtualHost;
    const whole = compileMatchTable(vhost, port.rules);
    const grouped = compileGroupedTable(vhost, port.rules, undefined).table;
    for (let r = 0; r < 10; r++) {
      const path = random() < 0.05 ? pick(['', 'a', '*']) : `/${Array.from({ length: Math.floor(random() * 4) }, () => pick(elements)).join('/')}`;
      const request: RouteRequest = { method: pick(['GET', 'POST']), host: 'x', path, query: '', headers: [] };
      const expected = whole.lookup(request)?.match;
      if (expected !== undefined) routed++;
      assert.equal(grouped.lookup(request)?.match, expected, `round ${round}: ${JSON.stringify({ specs, path })}`);
    }
  }
  assert.ok(routed > 500, `only ${routed} requests routed`);
});

test('a one-route change recompiles the groups of its old and new path; the others are kept', () => {
  const specs = Array.from({ length: 300 }, (_, i) => entry({ type: 'PathPrefix', value: `/svc-${i}/` }, `route-${i}`));
  const port = buildPort({ '*': specs });
  const vhost = port.virtualHosts[0] as IRVirtualHost;
  const first = compileGroupedTable(vhost, port.rules, undefined);
  const moved: IRHttpMatch = { ...(vhost.matches[7] as IRHttpMatch), path: { type: 'PathPrefix', value: '/svc-7-v2/' } };
  const matches = vhost.matches.filter((_, i) => i !== 7);
  matches.splice(250, 0, moved); // a longer path: another place in precedence order
  const second = compileGroupedTable({ ...vhost, matches }, port.rules, first.grouped);
  const changedKeys = ['svc-6', 'svc-7', 'svc-7-v2', 'svc-8', 'svc-249'];
  for (const key of changedKeys.filter((k) => k !== 'svc-7' && k !== 'svc-7-v2')) assert.equal(groupIn(second.grouped, key), groupIn(first.grouped, key), `${key} kept`);
  assert.equal(groupIn(second.grouped, 'svc-7'), undefined);
  assert.deepEqual(groupIn(second.grouped, 'svc-7-v2')?.matches, [moved]);
  assert.equal(second.grouped.groups.base, first.grouped.groups.base, 'the shared base map is not copied');
  const get = (path: string) => second.table.lookup({ method: 'GET', host: 'x', path, query: '', headers: [] })?.match;
  assert.equal(get('/svc-7-v2/x'), moved);
  assert.equal(get('/svc-7/x'), undefined);
  assert.equal(get('/svc-8/x'), vhost.matches[8]);
});

test('a new route (its rule appended, its match among the others) recompiles only its own group', () => {
  const specs = Array.from({ length: 300 }, (_, i) => entry({ type: 'PathPrefix', value: `/r${i}/` }, `route-${i}`));
  const port = buildPort({ '*': specs });
  const vhost = port.virtualHosts[0] as IRVirtualHost;
  const first = compileGroupedTable(vhost, port.rules, undefined);
  const rules = [...port.rules, { ...(port.rules[0] as (typeof port.rules)[number]), name: 'route-new' }];
  const added: IRHttpMatch = { path: { type: 'PathPrefix', value: '/new/' }, headers: [], queryParams: [], rule: rules.length - 1 };
  const second = compileGroupedTable({ ...vhost, matches: [...vhost.matches.slice(0, 120), added, ...vhost.matches.slice(120)] }, rules, first.grouped);
  for (const key of ['r0', 'r119', 'r120', 'r299']) assert.equal(groupIn(second.grouped, key), groupIn(first.grouped, key), `${key} kept`);
  assert.deepEqual(groupIn(second.grouped, 'new')?.matches, [added]);
  assert.equal(second.grouped.groups.base, first.grouped.groups.base, 'the shared base map is not copied');
  assert.equal(second.table.lookup({ method: 'GET', host: 'x', path: '/new/x', query: '', headers: [] })?.rule, rules[300]);
});

test('compiled edit after edit (matches added, removed, moved; rules replaced, appended, removed), a table in groups agrees with the whole table', () => {
  const random = prng(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const values = ['/', '/a', '/a/', '/a/b', '/ab', '/b/a', '/b', '/c', '/c/a', '/d', '//', 'a'];
  const elements = ['a', 'b', 'ab', 'c', 'd', ''];
  const newMatch = (rules: number): IRHttpMatch => {
    const roll = random();
    const path: IRPathMatch = roll < 0.08 ? { type: 'RegularExpression', value: pick(['/a.*', '.*b', '/(c|d)']) } : { type: roll < 0.4 ? 'Exact' : 'PathPrefix', value: pick(values) };
    return { path, ...(random() < 0.2 ? { method: pick(['GET', 'POST']) } : {}), headers: [], queryParams: [], rule: Math.floor(random() * rules) };
  };
  for (let world = 0; world < 40; world++) {
    const port = buildPort({ '*': [entry({ type: 'PathPrefix', value: '/a' }, 'r0'), entry({ type: 'Exact', value: '/b' }, 'r1'), entry({ type: 'PathPrefix', value: '/c' }, 'r2')] });
    const rules = [...port.rules];
    let matches = Array.from({ length: 20 + Math.floor(random() * 60) }, () => newMatch(rules.length));
    let last = compileGroupedTable({ ...(port.virtualHosts[0] as IRVirtualHost), matches }, [...rules], undefined).grouped;
    for (let step = 0; step < 25; step++) {
      matches = [...matches];
      const edits = 1 + Math.floor(random() * (random() < 0.1 ? 40 : 3));
      for (let e = 0; e < edits; e++) {
        const roll = random();
        const at = Math.floor(random() * matches.length);
        if (roll < 0.3) matches.splice(at, 0, newMatch(rules.length));
        else if (roll < 0.55 && matches.length > 1) matches.splice(at, 1);
        else if (roll < 0.7) matches[at] = newMatch(rules.length);
        else if (roll < 0.76) {
          // A new route: its rule comes last and its match goes in among the others.
          rules.push({ ...(rules[0] as (typeof rules)[number]) });
          matches.splice(at, 0, { ...newMatch(1), rule: rules.length - 1 });
        } else if (roll < 0.8 && rules.length > 1) {
          // A route gone: its matches go, and every later rule moves down one (the translator
          // makes a new match object for each match whose rule index moved).
          const gone = Math.floor(random() * rules.length);
          rules.splice(gone, 1);
          matches = matches.filter((match) => match.rule !== gone).map((match) => (match.rule > gone ? { ...match, rule: match.rule - 1 } : match));
          if (matches.length === 0) matches.push(newMatch(rules.length));
        } else {
          const index = Math.floor(random() * rules.length);
          rules[index] = { ...(rules[index] as (typeof rules)[number]) };
        }
      }
      const vhost: IRVirtualHost = { ...(port.virtualHosts[0] as IRVirtualHost), matches };
      const compiled = compileGroupedTable(vhost, [...rules], last);
      last = compiled.grouped;
      const whole = compileMatchTable(vhost, rules);
      for (let r = 0; r < 20; r++) {
        const path = `/${Array.from({ length: Math.floor(random() * 3) }, () => pick(elements)).join('/')}`;
        const request: RouteRequest = { method: pick(['GET', 'POST']), host: 'x', path, query: '', headers: [] };
        const expected = whole.lookup(request);
        const actual = compiled.table.lookup(request);
        assert.equal(actual?.match, expected?.match, `world ${world} step ${step}: ${path}`);
        assert.equal(actual?.rule, expected?.rule, `world ${world} step ${step}: ${path} (rule)`);
      }
    }
  }
});
