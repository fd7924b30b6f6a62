import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GRPCRouteMatch, HTTPRouteMatch } from '../model/gatewayapi.ts';
import { compileGrpcMatch, compileHttpMatch } from './matches.ts';
import { regexChecker } from './regex-cache.ts';

const regex = regexChecker();

test('HTTP matches: defaults, lowercase header names, first entry of a name wins', () => {
  const compiled = compileHttpMatch({ headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }], queryParams: [{ name: 'Q', value: '1' }, { name: 'q', value: '2' }] }, regex);
  assert.ok(compiled.ok);
  assert.deepEqual(compiled.match.ir, {
    path: { type: 'PathPrefix', value: '/' },
    headers: [{ name: 'x-a', type: 'Exact', value: '1' }],
    queryParams: [
      { name: 'Q', type: 'Exact', value: '1' },
      { name: 'q', type: 'Exact', value: '2' },
    ],
  });
});

test('HTTP matches: what makes the rule invalid (UnsupportedValue)', () => {
  const invalid: HTTPRouteMatch[] = [
    { path: { type: 'RegularExpression', value: '(' } },
    { path: { type: 'Prefix' as 'PathPrefix', value: '/' } },
    { path: { type: 'Exact', value: 'no-slash' } },
    { method: 'FETCH' },
    { headers: [{ type: 'Prefix' as 'Exact', name: 'a', value: 'b' }] },
    { headers: [{ type: 'RegularExpression', name: 'a', value: 'a(?=b)' }] },
    { queryParams: [{ type: 'RegularExpression', name: 'a', value: '[z-a]' }] },
  ];
  for (const match of invalid) {
    const compiled = compileHttpMatch(match, regex);
    assert.equal(compiled.ok, false, JSON.stringify(match));
    if (!compiled.ok) assert.equal(compiled.problem.reason, 'UnsupportedValue');
  }
});

test('HTTP match precedence keys order Exact, RegularExpression, PathPrefix, then length, method, headers, queries', () => {
  const key = (m: HTTPRouteMatch): number[] => {
    const compiled = compileHttpMatch(m, regex);
    assert.ok(compiled.ok);
    return compiled.match.precedence;
  };
  assert.deepEqual(key({ path: { type: 'Exact', value: '/a' } }), [0, -2, 1, -0, -0]);
  assert.deepEqual(key({ path: { type: 'RegularExpression', value: '/a.*' } }), [1, -4, 1, -0, -0]);
  assert.deepEqual(key({ path: { value: '/abc' }, method: 'GET', headers: [{ name: 'a', value: '1' }], queryParams: [{ name: 'q', value: '1' }] }), [2, -4, 0, -1, -1]);
});

test('gRPC method matches become path matches on /service/method', () => {
  const table: [GRPCRouteMatch, string, string][] = [
    [{}, 'PathPrefix', '/'],
    [{ method: { service: 'pkg.Svc', method: 'Do' } }, 'Exact', '/pkg.Svc/Do'],
    [{ method: { service: 'pkg.Svc' } }, 'PathPrefix', '/pkg.Svc'],
    [{ method: { method: 'Do' } }, 'RegularExpression', '/[^/]+/Do'],
    [{ method: { type: 'RegularExpression', service: 'pkg\\..*' } }, 'RegularExpression', '/(?:pkg\\..*)/(?:[^/]+)'],
    [{ method: { type: 'RegularExpression', method: 'Get.*' } }, 'RegularExpression', '/(?:[^/]+)/(?:Get.*)'],
  ];
  for (const [match, type, value] of table) {
    const compiled = compileGrpcMatch(match, regex);
    assert.ok(compiled.ok, JSON.stringify(match));
    assert.deepEqual(compiled.match.ir.path, { type, value }, JSON.stringify(match));
  }
  for (const match of [{ method: {} }, { method: { service: 'a/b', method: 'c' } }, { method: { type: 'RegularExpression' as const, method: '(' } }]) {
    assert.equal(compileGrpcMatch(match, regex).ok, false, JSON.stringify(match));
  }
});
