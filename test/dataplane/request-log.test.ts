// onRequestComplete: one record per finished request, with what access logs
// and metrics need (rule, backend, endpoint, timings, bytes, error code).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestLogInfo } from '../../src/dataplane/runtime.ts';
import { backend, buildIR, freePort, get, rawExchange, rule, startBackend, startDataPlane, to } from './helpers.ts';

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('request completion records', () => {
  it('records proxied, routed-nowhere, refused and failed requests', async () => {
    const be = await startBackend((_req, res, body) => res.end(`echo ${body.toString()}`));
    const dead = await freePort();
    const records: RequestLogInfo[] = [];
    const dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/api' }, rule: rule('api', { backends: [to('b')] }) },
      { path: { type: 'PathPrefix', value: '/down' }, rule: rule('down', { backends: [to('d')] }) },
    ], [backend('b', [be.port]), backend('d', [dead])]), { onRequestComplete: (info) => records.push(info) });
    try {
      await get(dp.port, '/api/items?x=1', { method: 'POST', body: 'hello', host: 'Shop.Example.com:8080' });
      await get(dp.port, '/missing');
      await get(dp.port, '/down');
      await rawExchange(dp.port, 'GET / HTTP/1.1\r\n\r\n');
      await until(() => records.length === 4);
      const [proxied, missing, down, refused] = records as [RequestLogInfo, RequestLogInfo, RequestLogInfo, RequestLogInfo];
      assert.equal(proxied.method, 'POST');
      assert.equal(proxied.host, 'shop.example.com');
      assert.equal(proxied.path, '/api/items');
      assert.equal(proxied.status, 200);
      assert.equal(proxied.rule, 'httproute/default/api/rule/0');
      assert.equal(proxied.backend, 'b');
      assert.equal(proxied.endpoint, `127.0.0.1:${be.port}`);
      assert.equal(proxied.bytesReceived, 5);
      assert.equal(proxied.bytesSent, 'echo hello'.length);
      assert.equal(proxied.port, dp.port);
      assert.equal(proxied.error, undefined);
      assert.equal(proxied.tries, 1);
      assert.ok(proxied.durationMs >= 0 && proxied.upstreamMs !== undefined && proxied.upstreamMs <= proxied.durationMs);

      assert.equal(missing.status, 404);
      assert.equal(missing.error, 'route_not_found');
      assert.equal(missing.rule, undefined);

      assert.equal(down.status, 503);
      assert.equal(down.error, 'connect_refused');
      assert.equal(down.endpoint, `127.0.0.1:${dead}`);

      assert.equal(refused.status, 400);
      assert.equal(refused.error, 'bad_request');
    } finally {
      await dp.close();
      await be.close();
    }
  });
});
