import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPort, entry, exact, prefix, regex, request } from './cases.ts';
import { explainRoute } from './reference.ts';

const port = buildPort({
  'foo.example.com': [
    entry(exact('/exact'), 'web/exact'),
    entry(prefix('/api'), 'web/api-v2', { headers: [{ name: 'x-version', type: 'Exact', value: '2' }] }),
    entry(prefix('/api'), 'web/api-post', { method: 'POST' }),
    entry(prefix('/api'), 'web/api-q', { queryParams: [{ name: 'debug', type: 'RegularExpression', value: 'on|yes' }] }),
    entry(regex('/api/(v[0-9]+)/.*'), 'web/api-versioned'),
    entry(prefix('/'), 'web/root'),
  ],
  '*.example.com': [entry(prefix('/'), 'wild/root')],
  '*': [entry(prefix('/'), 'any/root')],
});

test('explain names the chosen host, every failed condition in order, and the winner', () => {
  const explanation = explainRoute(port, request('/api/v1/users', {
    host: 'foo.example.com', headers: ['X-Version', '1'], query: 'debug=off&debug=on',
  }));
  assert.deepEqual(explanation.virtualHost, {
    selection: 'exact',
    hostname: 'foo.example.com',
    listener: 'gateway/default/gw/listener/http',
    considered: [
      { hostname: 'foo.example.com', listener: 'gateway/default/gw/listener/http', outcome: 'selected' },
      { hostname: '*.example.com', listener: 'gateway/default/gw/listener/http', outcome: 'less-specific' },
      { hostname: '*', listener: 'gateway/default/gw/listener/http', outcome: 'less-specific' },
    ],
  });
  assert.deepEqual(explanation.matches.map(({ rule, matched, failed }) => ({ rule, matched, failed })), [
    { rule: 'web/exact', matched: false, failed: { condition: 'path', type: 'Exact', expected: '/exact', actual: '/api/v1/users' } },
    { rule: 'web/api-v2', matched: false, failed: { condition: 'header', name: 'x-version', type: 'Exact', expected: '2', actual: '1' } },
    { rule: 'web/api-post', matched: false, failed: { condition: 'method', expected: 'POST', actual: 'GET' } },
    { rule: 'web/api-q', matched: false, failed: { condition: 'queryParam', name: 'debug', type: 'RegularExpression', expected: 'on|yes', actual: 'off' } },
    { rule: 'web/api-versioned', matched: true, failed: undefined },
  ]);
  assert.deepEqual(explanation.result, { matchIndex: 4, rule: 'web/api-versioned', ruleIndex: 4 });
  // Plain data: survives JSON unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(explanation)), explanation);
});

test('explain reports an absent header as null and a wildcard host selection', () => {
  const onWildcard = explainRoute(port, request('/x', { host: 'bar.example.com' }));
  assert.equal(onWildcard.virtualHost.selection, 'wildcard');
  assert.equal(onWildcard.virtualHost.hostname, '*.example.com');
  assert.deepEqual(onWildcard.virtualHost.considered.map((c) => c.outcome), ['no-match', 'selected', 'less-specific']);
  assert.equal(onWildcard.result?.rule, 'wild/root');

  const noHeader = explainRoute(port, request('/api', { host: 'foo.example.com' }));
  assert.deepEqual(noHeader.matches[1]?.failed, { condition: 'header', name: 'x-version', type: 'Exact', expected: '2', actual: null });
});

test('explain for a 404: no host, or no match', () => {
  const noHost = explainRoute(buildPort({ 'a.example.com': [entry(prefix('/'), 'a')] }), request('/', { host: 'b.example.com' }));
  assert.equal(noHost.virtualHost.selection, 'none');
  assert.equal(noHost.virtualHost.hostname, null);
  assert.deepEqual(noHost.matches, []);
  assert.equal(noHost.result, null);

  const noMatch = explainRoute(buildPort({ '*': [entry(exact('/a'), 'a'), entry(regex('/(b'), 'broken')] }), request('/b'));
  assert.equal(noMatch.result, null);
  assert.equal(noMatch.matches.length, 2);
  assert.match(noMatch.matches[1]?.failed?.condition === 'path' ? noMatch.matches[1].failed.error ?? '' : '', /invalid regular expression/);
});
