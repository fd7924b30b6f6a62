// The bench's load generators and parsers: the open-loop generator against a
// real loopback server (counts, bad statuses, resets, framing), and h2load's
// output. Nothing here times anything beyond counting what was sent.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseH2loadLog, parseH2loadSummary } from '../../bench/load/h2load.ts';
import { responseLength, runOpenLoop } from '../../bench/load/open-loop.ts';
import type { OpenLoopResult } from '../../bench/load/open-loop.ts';
import { describeSelfCheck, medianSelfCheck, sustained } from '../../bench/fixed-rate.ts';

// length: bytes one complete response takes ('all': the whole text), 0 while incomplete, -1 when the close ends it.
const cases: { name: string; response: string; length: number | 'all'; status: number }[] = [
  { name: 'incomplete head', response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n', length: 0, status: 0 },
  { name: 'content-length, complete', response: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi', length: 'all', status: 200 },
  { name: 'content-length, body still coming', response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi', length: 0, status: 200 },
  { name: 'chunked, complete', response: 'HTTP/1.1 503 No\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n', length: 'all', status: 503 },
  { name: 'no body allowed (204)', response: 'HTTP/1.1 204 No Content\r\n\r\n', length: 'all', status: 204 },
  { name: 'delimited by close', response: 'HTTP/1.1 200 OK\r\n\r\nhi', length: -1, status: 200 },
];

for (const { name, response, length, status } of cases) {
  test(`responseLength: ${name}`, () => {
    // A complete response is followed by the start of the next one, which must not count.
    const bytes = Buffer.from(length === 'all' ? `${response}HTTP/1.1 2` : response, 'latin1');
    assert.deepEqual(responseLength(bytes), { length: length === 'all' ? response.length : length, status });
  });
}

test('open loop: every scheduled request is sent once, answers are counted by status, latency per good answer', async () => {
  let received = 0;
  const paths: string[] = [];
  const server = createServer((req, res) => {
    received++;
    paths.push(req.url ?? '');
    res.statusCode = req.url === '/bad' ? 500 : 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await runOpenLoop({ port: (server.address() as AddressInfo).port, host: 'bench.example', paths: ['/a', '/bad'], rate: 200, seconds: 0.5, connections: 2 });
    assert.ok(result.scheduled >= 90 && result.scheduled <= 102, `scheduled ${result.scheduled}`);
    assert.equal(received, result.scheduled);
    assert.equal(result.completed, result.scheduled);
    assert.equal(result.unsent + result.resets + result.timeouts + result.connectErrors, 0);
    assert.equal(result.badStatuses, paths.filter((path) => path === '/bad').length);
    assert.equal(result.latencyMs.count, result.completed - result.badStatuses);
    assert.ok(result.latencyMs.p50 >= 0 && result.lagMs.p50 >= 0);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('open loop: warm-up requests are sent at the rate but neither counted nor timed', async () => {
  let received = 0;
  const server = createServer((_req, res) => {
    received++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await runOpenLoop({ port: (server.address() as AddressInfo).port, host: 'x', paths: ['/'], rate: 200, seconds: 0.25, warmupSeconds: 0.25, connections: 2 });
    assert.ok(result.scheduled >= 45 && result.scheduled <= 52, `scheduled ${result.scheduled}`);
    assert.ok(received >= result.scheduled + 45, `${received} received: the warm-up's requests were sent too`);
    assert.equal(result.completed, result.scheduled);
    assert.equal(result.latencyMs.count, result.scheduled);
    assert.equal(result.lagMs.count, result.scheduled);
    assert.ok(Math.abs(result.offeredRate - 200) < 20, `offered ${result.offeredRate}/s over the measured part only`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('open loop: numbered requests carry seq=0,1,2,... and the counter follows the sends; bad statuses are counted by code', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.statusCode = seen.length % 4 === 0 ? 503 : 200;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const counter = { sent: 0 };
    const result = await runOpenLoop({ port: (server.address() as AddressInfo).port, host: 'x', paths: ['/a?x=1', '/b'], rate: 200, seconds: 0.2, connections: 1, counter });
    assert.equal(counter.sent, result.scheduled);
    assert.deepEqual(seen.slice(0, 3), ['/a?x=1&seq=0', '/b?seq=1', '/a?x=1&seq=2']);
    assert.deepEqual(result.statusCounts, { 503: Math.floor(seen.length / 4) });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('open loop: a connection reset with a request in flight is a reset, not a retry', async () => {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    if (received % 5 === 0) req.socket.destroy();
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await runOpenLoop({ port: (server.address() as AddressInfo).port, host: 'x', paths: ['/'], rate: 200, seconds: 0.3, connections: 2 });
    assert.equal(received, result.scheduled, 'nothing retried');
    assert.equal(result.resets + result.closedEarly, Math.floor(received / 5));
    assert.equal(result.completed, received - Math.floor(received / 5));
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('open loop: nothing listening shows as connect errors and unsent requests', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const result = await runOpenLoop({ port, host: 'x', paths: ['/'], rate: 100, seconds: 0.1, connections: 1, maxConnections: 2, timeoutMs: 200 });
  assert.equal(result.completed, 0);
  assert.ok(result.connectErrors >= 1);
  assert.equal(result.unsent, result.scheduled);
});

test('h2load: counts from the summary, percentiles from the per-request log', () => {
  const summary = parseH2loadSummary(`finished in 2.00s, 2000.00 req/s, 244.27KB/s
requests: 4000 total, 4036 started, 4000 done, 3990 succeeded, 6 failed, 3 errored, 1 timeout
status codes: 3980 2xx, 5 3xx, 4 4xx, 1 5xx
`);
  assert.deepEqual(summary, { seconds: 2, requests: 3990, failed: 6, errored: 3, timeout: 1, non2xx3xx: 5 });
  assert.equal(parseH2loadSummary('finished in 500.5ms, 1 req/s\nrequests: 1 total, 1 started, 1 done, 1 succeeded, 0 failed, 0 errored, 0 timeout\nstatus codes: 1 2xx, 0 3xx, 0 4xx, 0 5xx').seconds, 0.5005);
  assert.throws(() => parseH2loadSummary('connect failed'), /h2load printed no summary/);
  const durations = parseH2loadLog('1\t200\t300\n2\t-1\t5\n3\t404\t9\n4\t200\t100\n');
  assert.deepEqual([...durations], [0.1, 0.3], 'failed streams and bad statuses are not latencies');
});

test('self-check repeated per round: judged by the run with the median send lag, each run\'s lag printed', () => {
  const check = (lagP99: number, completed = 100): OpenLoopResult => ({
    scheduled: 100, offeredRate: 1000, completed, achievedRate: completed * 10, seconds: 0.1,
    latencyMs: { p50: 1, p99: 2, p999: 3, max: 4, count: completed }, lagMs: { p50: 0.5, p99: lagP99, p999: lagP99, max: lagP99, count: 100 },
    badStatuses: 0, statusCounts: {}, resets: 0, closedEarly: 0, connectErrors: 0, timeouts: 0, unsent: 0, connectionsOpened: 16,
  });
  const runs = [check(18.5), check(2.1), check(3.0)];
  const median = medianSelfCheck(runs);
  assert.equal(median, runs[2], 'one stalled run of three does not decide');
  assert.equal(sustained(median), true);
  assert.match(describeSelfCheck(1000, median, runs), /median of 3 runs by send lag; lag p99 per run: 18\.5, 2\.1, 3\.0 ms\).* sustained$/);
  assert.equal(sustained(medianSelfCheck([check(18.5), check(9), check(2)])), false, 'two stalled runs of three: not sustained');
  assert.equal(medianSelfCheck([check(1), check(7)]).lagMs.p99, 7, 'an even count takes the upper middle');
});
