// Which series a finished request counts in, for the label sets users query:
// gateway, port, status class and error; route labels when opted in; ports
// shared by Gateways; reloads; and the bounds that keep cardinality finite.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IR, IRGateway, IRHttpRule } from '../ir/types.ts';
import type { RequestLogInfo } from '../dataplane/runtime.ts';
import { MetricsState } from './metrics-state.ts';
import { DURATION_BUCKETS, RequestMetrics } from './request-metrics.ts';
import type { RequestMetricsSnapshot, RequestSeriesLabels } from './request-metrics.ts';

/** Everything `metrics` counted, as the receiving side sees it. */
function snapshotOf(metrics: RequestMetrics): RequestMetricsSnapshot {
  const state = new MetricsState();
  state.apply(metrics.collect(true));
  return state.snapshot();
}

function rule(route: string, index = 0): IRHttpRule {
  return { name: `httproute/default/${route}/rule/${index}`, route: { kind: 'HTTPRoute', namespace: 'default', name: route }, mirrors: [], backends: [] };
}

function gw(name: string, ports: Record<number, IRHttpRule[]>): IRGateway {
  return {
    name: `gateway/default/${name}`,
    namespace: 'default',
    gatewayName: name,
    backends: {},
    ports: Object.entries(ports).map(([port, rules]) => ({ kind: 'http', name: `gateway/default/${name}/port/${port}`, port: Number(port), virtualHosts: [], rules })),
  };
}

function done(overrides: Partial<RequestLogInfo>): RequestLogInfo {
  return {
    method: 'GET', host: 'a.example', path: '/', status: 200, durationMs: 1, bytesReceived: 0, bytesSent: 0, port: 8080,
    rule: undefined, backend: undefined, endpoint: undefined, upstreamMs: undefined, tries: 1, error: undefined, ...overrides,
  };
}

/** label set → count, for compact expectations. */
function counts(snapshot: RequestMetricsSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  const key = (labels: RequestSeriesLabels): string =>
    [labels.gateway, labels.port, labels.statusClass, labels.error, ...(labels.route === undefined ? [] : [labels.routeKind, labels.route])].join(' ');
  for (const series of snapshot.requests) out[key(series.labels)] = series.count;
  return out;
}

const oneGateway: IR = { gateways: [gw('gw', { 8080: [rule('web'), rule('api')] })] };
const sharedPort: IR = { gateways: [gw('a', { 8080: [rule('web')] }), gw('b', { 8080: [rule('web'), rule('api')] })] };

const cases: { name: string; ir: IR; routeLabels?: boolean; requests: Partial<RequestLogInfo>[]; expected: Record<string, number> }[] = [
  {
    name: 'status class and error code, no route labels by default',
    ir: oneGateway,
    requests: [
      { status: 200, rule: 'httproute/default/web/rule/0' },
      { status: 204, rule: 'httproute/default/api/rule/0' },
      { status: 302, rule: 'httproute/default/web/rule/0' },
      { status: 404, error: 'route_not_found' },
      { status: 503, error: 'connect_refused', rule: 'httproute/default/api/rule/0' },
      { status: 101 },
    ],
    expected: { 'default/gw 8080 2xx ': 2, 'default/gw 8080 3xx ': 1, 'default/gw 8080 4xx route_not_found': 1, 'default/gw 8080 5xx connect_refused': 1, 'default/gw 8080 1xx ': 1 },
  },
  {
    name: 'route labels: per route, never per rule; no route when none matched',
    ir: { gateways: [gw('gw', { 8080: [rule('web', 0), rule('web', 1), rule('api')] })] },
    routeLabels: true,
    requests: [
      { rule: 'httproute/default/web/rule/0' },
      { rule: 'httproute/default/web/rule/1' },
      { rule: 'httproute/default/api/rule/0' },
      { status: 404, error: 'route_not_found' },
    ],
    expected: { 'default/gw 8080 2xx  HTTPRoute default/web': 2, 'default/gw 8080 2xx  HTTPRoute default/api': 1, 'default/gw 8080 4xx route_not_found  ': 1 },
  },
  {
    name: 'Gateways sharing a port: the rule decides (first Gateway in IR order for a rule both have); without a rule, both are named',
    ir: sharedPort,
    requests: [{ rule: 'httproute/default/web/rule/0' }, { rule: 'httproute/default/api/rule/0' }, { status: 404, error: 'route_not_found' }],
    expected: { 'default/a 8080 2xx ': 1, 'default/b 8080 2xx ': 1, 'default/a,default/b 8080 4xx route_not_found': 1 },
  },
  {
    name: 'a port the configuration does not list (draining after a reload) counts without a gateway',
    ir: oneGateway,
    requests: [{ port: 9090 }],
    expected: { ' 9090 2xx ': 1 },
  },
];

describe('RequestMetrics', () => {
  for (const { name, ir, routeLabels, requests, expected } of cases) {
    test(name, () => {
      const metrics = new RequestMetrics({ routeLabels });
      metrics.configure(ir);
      for (const request of requests) metrics.record(done(request));
      assert.deepEqual(counts(snapshotOf(metrics)), expected);
    });
  }

  test('durations fall in the first bucket whose bound they do not exceed; the sum is in seconds', () => {
    const metrics = new RequestMetrics();
    metrics.configure(oneGateway);
    for (const durationMs of [0.2, 0.5, 7, 120_000]) metrics.record(done({ durationMs }));
    const [series] = snapshotOf(metrics).requests;
    const expected = Array.from({ length: DURATION_BUCKETS.length + 1 }, () => 0);
    expected[0] = 2; // 0.2 ms and exactly 0.5 ms
    expected[DURATION_BUCKETS.indexOf(0.01)] = 1; // 7 ms
    expected[DURATION_BUCKETS.length] = 1; // 120 s: +Inf
    assert.deepEqual(series?.buckets, expected);
    assert.equal(series?.count, 4);
    assert.ok(Math.abs((series?.sum ?? 0) - 120.0077) < 1e-9);
  });

  test('a reload keeps counting the series still configured and drops the others', () => {
    const metrics = new RequestMetrics();
    metrics.configure({ gateways: [gw('gw', { 8080: [rule('web')], 8081: [rule('web')] })] });
    metrics.record(done({ port: 8080 }));
    metrics.record(done({ port: 8081 }));
    metrics.configure({ gateways: [gw('gw', { 8080: [rule('web')] })] });
    metrics.record(done({ port: 8080 }));
    assert.deepEqual(counts(snapshotOf(metrics)), { 'default/gw 8080 2xx ': 2 });
  });

  test('connect errors count per backend and code; other errors do not', () => {
    const metrics = new RequestMetrics();
    metrics.configure(oneGateway);
    metrics.record(done({ status: 503, error: 'connect_refused', backend: 'service/default/a/80' }));
    metrics.record(done({ status: 503, error: 'connect_refused', backend: 'service/default/a/80' }));
    metrics.record(done({ status: 504, error: 'connect_timeout', backend: 'service/default/b/80' }));
    metrics.record(done({ status: 504, error: 'backend_timeout', backend: 'service/default/b/80' }));
    assert.deepEqual(snapshotOf(metrics).connectErrors, [
      { backend: 'service/default/a/80', error: 'connect_refused', count: 2 },
      { backend: 'service/default/b/80', error: 'connect_timeout', count: 1 },
    ]);
  });

  test('collect hands over only the series changed since the last one, and those a reload dropped; applied, they add up to the full picture', () => {
    const metrics = new RequestMetrics();
    metrics.configure({ gateways: [gw('gw', { 8080: [rule('web')], 8081: [rule('web')] })] });
    const state = new MetricsState();
    metrics.record(done({ port: 8080 }));
    metrics.record(done({ port: 8081 }));
    state.apply(metrics.collect(false));
    metrics.record(done({ port: 8080, status: 500, error: 'internal_error' }));
    const changed = metrics.collect(false);
    assert.deepEqual(changed.series.map(([key]) => key), ['default/gw\n8080\n5xx\ninternal_error']);
    state.apply(changed);
    assert.deepEqual(metrics.collect(false).series, [], 'nothing changed since');

    metrics.configure({ gateways: [gw('gw', { 8080: [rule('web')] })] });
    metrics.record(done({ port: 8080 }));
    const afterReload = metrics.collect(false);
    assert.deepEqual(afterReload.removed, ['default/gw\n8081\n2xx\n']);
    state.apply(afterReload);
    assert.deepEqual(counts(state.snapshot()), counts(snapshotOf(metrics)));
    assert.deepEqual(counts(state.snapshot()), { 'default/gw 8080 2xx ': 2, 'default/gw 8080 5xx internal_error': 1 });
  });

  test('unknown error codes beyond 32 per group count as "other"', () => {
    const metrics = new RequestMetrics();
    metrics.configure(oneGateway);
    for (let i = 0; i < 40; i++) metrics.record(done({ status: 500, error: `code_${i}` }));
    const errors = snapshotOf(metrics).requests.map((series) => series.labels.error);
    assert.equal(errors.length, 33);
    assert.equal(snapshotOf(metrics).requests.find((series) => series.labels.error === 'other')?.count, 8);
  });
});
