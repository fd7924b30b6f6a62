// Backends end to end: weighted splits, invalid and missing backends, cross-
// namespace references with ReferenceGrant, timeouts, retries, WebSocket
// (cf. conformance HTTPRouteWeight, HTTPRouteInvalidNonExistentBackendRef,
// HTTPRouteInvalidCrossNamespaceBackendRef, HTTPRouteReferenceGrant,
// HTTPRouteTimeoutRequest, HTTPRouteTimeoutBackendRequest, HTTPRouteRetry,
// HTTPRouteBackendProtocolWebSocket).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Harness } from '../support/harness.ts';
import { ref, startHarness } from '../support/harness.ts';
import { backend, httpRoute, toYaml } from '../support/manifests.ts';

describe('HTTPRoute backends', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({
      backends: { a: 'default', b: 'default', c: 'default', remote: 'other' },
      extra: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
        // Grants HTTPRoutes in "default" access to the Service "remote" in "other".
        {
          apiVersion: 'gateway.networking.k8s.io/v1beta1',
          kind: 'ReferenceGrant',
          metadata: { name: 'allow-default', namespace: 'other' },
          spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service', name: 'remote' }] },
        },
      ],
    });
  });
  after(() => harness.close());

  test('weighted split 70/20/10 within tolerance, weight 0 gets nothing', async () => {
    await harness.setRoutes(
      httpRoute('weights', {
        rules: [{ backendRefs: [ref('a', { weight: 70 }), ref('b', { weight: 20 }), ref('c', { weight: 10 }), ref('remote', { namespace: 'other', weight: 0 })] }],
      }),
    );
    const counts: Record<string, number> = {};
    const total = 600;
    for (let i = 0; i < total; i++) {
      const seen = await harness.echo({ path: '/' });
      counts[seen.name] = (counts[seen.name] ?? 0) + 1;
    }
    // Binomial standard deviation at n=600 is at most ~2%: ±6 points is >3σ.
    for (const [name, weight] of [['a', 70], ['b', 20], ['c', 10]] as const) {
      const share = ((counts[name] ?? 0) / total) * 100;
      assert.ok(Math.abs(share - weight) <= 6, `${name}: ${share.toFixed(1)}% of requests, want ${weight}% ± 6`);
    }
    assert.equal(counts.remote, undefined, 'weight 0 must receive nothing');
  });

  test('the share of an invalid backendRef answers 500; the valid share is served', async () => {
    await harness.setRoutes(
      httpRoute('half-invalid', { rules: [{ backendRefs: [ref('a', { weight: 50 }), ref('does-not-exist', { weight: 50 })] }] }),
      httpRoute('all-invalid', { hostnames: ['invalid.example'], rules: [{ backendRefs: [ref('does-not-exist')] }] }),
      httpRoute('unknown-kind', { hostnames: ['kind.example'], rules: [{ backendRefs: [{ group: 'unknown.example', kind: 'Thing', name: 'x' }] }] }),
      httpRoute('not-granted', { hostnames: ['cross.example'], rules: [{ backendRefs: [ref('a', { namespace: 'kube-system' })] }] }),
    );
    const statuses = { 200: 0, 500: 0 } as Record<number, number>;
    for (let i = 0; i < 200; i++) {
      const response = await harness.send({ path: '/' });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
    assert.ok((statuses[200] ?? 0) > 60 && (statuses[500] ?? 0) > 60, `expected a mix of 200 and 500: ${JSON.stringify(statuses)}`);
    assert.equal(Object.keys(statuses).length, 2, JSON.stringify(statuses));
    assert.equal((await harness.send({ host: 'invalid.example' })).status, 500);
    assert.equal((await harness.send({ host: 'kind.example' })).status, 500);
    assert.equal((await harness.send({ host: 'cross.example' })).status, 500);
  });

  test('a cross-namespace backendRef allowed by a ReferenceGrant is served', async () => {
    await harness.setRoutes(httpRoute('granted', { rules: [{ backendRefs: [ref('remote', { namespace: 'other' })] }] }));
    const seen = await harness.echo({ path: '/' });
    assert.equal(seen.name, 'remote');
    assert.equal(seen.namespace, 'other');
  });

  test('a backend with no ready endpoints answers 503; a refused connection answers 503', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await harness.write(
      'extra-backends.yaml',
      toYaml(
        ...backend('refused', deadPort),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } },
      ),
    );
    await harness.setRoutes(
      httpRoute('refused', { hostnames: ['refused.example'], rules: [{ backendRefs: [ref('refused')] }] }),
      httpRoute('empty', { hostnames: ['empty.example'], rules: [{ backendRefs: [ref('empty')] }] }),
    );
    assert.equal((await harness.send({ host: 'empty.example' })).status, 503);
    assert.equal((await harness.send({ host: 'refused.example' })).status, 503);
  });

  test('timeouts: backendRequest and request answer 504', async () => {
    await harness.setRoutes(
      httpRoute('timeouts', {
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/backend' } }], timeouts: { request: '5s', backendRequest: '200ms' }, backendRefs: [ref('a')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/request' } }], timeouts: { request: '300ms' }, backendRefs: [ref('a')] },
        ],
      }),
    );
    assert.equal((await harness.send({ path: '/backend', headers: { 'x-echo-delay-ms': '1000' } })).status, 504);
    assert.equal((await harness.send({ path: '/backend', headers: { 'x-echo-delay-ms': '10' } })).status, 200);
    assert.equal((await harness.send({ path: '/request', headers: { 'x-echo-delay-ms': '1000' } })).status, 504);
    assert.equal((await harness.send({ path: '/request' })).status, 200);
  });

  test('retry: a listed status code is retried on another try; others are not', async () => {
    await harness.setRoutes(httpRoute('retry', { rules: [{ retry: { codes: [503], attempts: 2, backoff: '10ms' }, backendRefs: [ref('b')] }] }));
    const before = harness.backends.b!.requests;
    const response = await harness.send({ path: '/', headers: { 'x-echo-status': '503' } });
    assert.equal(response.status, 503, 'every try fails, so the last answer is returned');
    assert.equal(harness.backends.b!.requests - before, 3, 'one try plus two retries');

    const before500 = harness.backends.b!.requests;
    assert.equal((await harness.send({ path: '/', headers: { 'x-echo-status': '500' } })).status, 500);
    assert.equal(harness.backends.b!.requests - before500, 1, '500 is not in codes: no retry');
  });

  test('WebSocket upgrade passes through and messages echo back', async () => {
    await harness.setRoutes(httpRoute('ws', { rules: [{ backendRefs: [ref('c')] }] }));
    const socket = new WebSocket(`ws://127.0.0.1:${harness.port}/chat`);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send('hello through portico'));
      socket.addEventListener('message', (event) => resolve(String(event.data)));
      socket.addEventListener('error', () => reject(new Error('websocket error')));
    });
    socket.close();
    assert.equal(reply, 'hello through portico');
  });
});
