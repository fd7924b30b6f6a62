// Several processes' request counts as one Prometheus exposition: series with
// the same labels add up, histograms come out cumulative with +Inf equal to
// _count, and the registry's own metrics sit beside them in valid text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gauge } from 'prom-client';
import { mergeSnapshots, TelemetryRegistry } from '../../src/telemetry/exposition.ts';
import { DURATION_BUCKETS } from '../../src/telemetry/request-metrics.ts';
import type { RequestMetricsSnapshot, RequestSeriesLabels } from '../../src/telemetry/request-metrics.ts';
import { parseExposition } from './prom-text.ts';

const ok: RequestSeriesLabels = { gateway: 'default/gw', port: 8080, statusClass: '2xx', error: '' };
const refused: RequestSeriesLabels = { gateway: 'default/gw', port: 8080, statusClass: '5xx', error: 'connect_refused' };

function buckets(entries: Record<number, number>): number[] {
  const out = Array.from({ length: DURATION_BUCKETS.length + 1 }, () => 0);
  for (const [index, count] of Object.entries(entries)) out[Number(index)] = count;
  return out;
}

const workerA: RequestMetricsSnapshot = {
  requests: [{ labels: ok, count: 3, sum: 0.006, buckets: buckets({ 0: 1, 3: 2 }) }],
  connectErrors: [{ backend: 'service/default/a/80', error: 'connect_refused', count: 1 }],
};
const workerB: RequestMetricsSnapshot = {
  requests: [
    { labels: ok, count: 2, sum: 0.5, buckets: buckets({ 0: 1, [DURATION_BUCKETS.length]: 1 }) },
    { labels: refused, count: 1, sum: 0.001, buckets: buckets({ 1: 1 }) },
  ],
  connectErrors: [{ backend: 'service/default/a/80', error: 'connect_refused', count: 1 }],
};

test('snapshots from several processes add up series by series', () => {
  const merged = mergeSnapshots([workerA, workerB]);
  assert.deepEqual(merged.requests.map((series) => [series.labels.statusClass, series.count, series.sum]), [['2xx', 5, 0.506], ['5xx', 1, 0.001]]);
  assert.deepEqual(merged.requests[0]?.buckets, buckets({ 0: 2, 3: 2, [DURATION_BUCKETS.length]: 1 }));
  assert.deepEqual(merged.connectErrors, [{ backend: 'service/default/a/80', error: 'connect_refused', count: 2 }]);
  assert.equal(workerA.requests[0]?.count, 3, 'the inputs are left as they were');
});

test('the registry serves its own metrics and the merged request metrics as valid Prometheus text', async () => {
  const registry = new TelemetryRegistry(() => Promise.resolve([workerA, workerB]));
  new Gauge({ name: 'portico_config_version', help: 'v', registers: [registry], collect() { this.set(7); } });
  const exposition = parseExposition(await registry.metrics());

  assert.equal(exposition.sum('portico_config_version'), 7);
  assert.equal(exposition.types.get('portico_http_requests_total'), 'counter');
  assert.equal(exposition.sum('portico_http_requests_total', { gateway: 'default/gw', port: '8080', status_class: '2xx', error: '' }), 5);
  assert.equal(exposition.sum('portico_http_requests_total', { status_class: '5xx', error: 'connect_refused' }), 1);
  const bucket = (le: string): number => exposition.sum('portico_http_request_duration_seconds_bucket', { status_class: '2xx', le });
  assert.equal(bucket(String(DURATION_BUCKETS[0])), 2);
  assert.equal(bucket(String(DURATION_BUCKETS[3])), 4);
  assert.equal(bucket('60'), 4);
  assert.equal(bucket('+Inf'), 5);
  assert.equal(exposition.sum('portico_http_request_duration_seconds_sum', { status_class: '2xx' }), 0.506);
  assert.equal(exposition.sum('portico_upstream_connect_errors_total', { backend: 'service/default/a/80', error: 'connect_refused' }), 2);
});

test('with metrics off (no snapshots) the registry serves only its own metrics', async () => {
  const registry = new TelemetryRegistry(() => Promise.resolve([]));
  const exposition = parseExposition(await registry.metrics());
  assert.equal(exposition.types.has('portico_http_requests_total'), false);
});
