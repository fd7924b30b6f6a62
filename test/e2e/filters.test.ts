// HTTPRoute filters end to end: header modifiers (rule and backendRef level),
// redirects, URL rewrites, mirrors and CORS, through real sockets to echo
// backends (cf. conformance HTTPRouteRequestHeaderModifier,
// HTTPRouteResponseHeaderModifier, HTTPRouteRedirect*, HTTPRouteRewrite*,
// HTTPRouteRequestMirror, HTTPRouteRequestMultipleMirrors, HTTPRouteCORS).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Harness } from '../support/harness.ts';
import { ref, startHarness } from '../support/harness.ts';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { backend, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually } from '../support/net.ts';

const prefix = (value: string) => [{ path: { type: 'PathPrefix', value } }];
const exact = (value: string) => [{ path: { type: 'Exact', value } }];

describe('HTTPRoute filters', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backends: ['web', 'mirror-a', 'mirror-b'] });
  });
  after(() => harness.close());

  test('RequestHeaderModifier and ResponseHeaderModifier: set, add, remove', async () => {
    await harness.setRoutes(
      httpRoute('headers', {
        rules: [
          {
            matches: prefix('/'),
            filters: [
              { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Set', value: 'set-value' }], add: [{ name: 'X-Add', value: 'added' }], remove: ['X-Remove'] } },
              { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'X-Resp-Set', value: 'r' }], add: [{ name: 'X-Resp-Add', value: 'ra' }], remove: ['X-Echo-Removable'] } },
            ],
            backendRefs: [ref('web')],
          },
        ],
      }),
    );
    const response = await harness.send({
      path: '/',
      headers: { 'x-set': 'original', 'x-add': 'first', 'x-remove': 'gone', 'x-echo-set-header': 'X-Echo-Removable: yes' },
    });
    assert.equal(response.status, 200);
    const seen = response.json<{ headers: Record<string, string[]> }>().headers;
    assert.deepEqual(seen['x-set'], ['set-value']);
    assert.deepEqual(seen['x-add']?.join(','), 'first,added');
    assert.equal(seen['x-remove'], undefined);
    assert.equal(response.headers['x-resp-set'], 'r');
    assert.equal(response.headers['x-resp-add'], 'ra');
    assert.equal(response.headers['x-echo-removable'], undefined);
  });

  test('per-backendRef header filters apply only to requests sent to that backend', async () => {
    await harness.setRoutes(
      httpRoute('backend-filters', {
        rules: [
          {
            backendRefs: [
              { ...ref('web'), filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-backend', value: 'web' }] } }] },
              { ...ref('mirror-a'), weight: 0 },
            ],
          },
        ],
      }),
    );
    const seen = await harness.echo({ path: '/' });
    assert.equal(seen.name, 'web');
    assert.deepEqual(seen.headers['x-backend'], ['web']);
  });

  test('RequestRedirect: scheme, hostname, port, path and status code', async () => {
    await harness.setRoutes(
      httpRoute('redirects', {
        rules: [
          { matches: exact('/scheme'), filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
          { matches: exact('/host'), filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'elsewhere.example', statusCode: 301 } }] },
          { matches: exact('/port'), filters: [{ type: 'RequestRedirect', requestRedirect: { port: 8443, statusCode: 308 } }] },
          { matches: prefix('/old'), filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' }, statusCode: 307 } }] },
          { matches: exact('/full'), filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/elsewhere' }, statusCode: 303 } }] },
        ],
      }),
    );
    const port = harness.port;
    const cases: [string, number, string][] = [
      ['/scheme', 302, 'https://example.com/scheme'],
      ['/host', 301, `http://elsewhere.example:${port}/host`],
      ['/port', 308, 'http://example.com:8443/port'],
      ['/old/page?q=1', 307, `http://example.com:${port}/new/page?q=1`],
      ['/old', 307, `http://example.com:${port}/new`],
      ['/full', 303, `http://example.com:${port}/elsewhere`],
    ];
    for (const [path, status, location] of cases) {
      const response = await harness.send({ path, host: 'example.com' });
      assert.equal(response.status, status, path);
      assert.equal(response.headers.location, location, path);
    }
  });

  test('URLRewrite: hostname and path (full and prefix)', async () => {
    await harness.setRoutes(
      httpRoute('rewrites', {
        rules: [
          { matches: prefix('/prefix/one'), filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/one' } } }], backendRefs: [ref('web')] },
          { matches: prefix('/strip'), filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }], backendRefs: [ref('web')] },
          { matches: prefix('/full'), filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'rewritten.example', path: { type: 'ReplaceFullPath', replaceFullPath: '/replaced' } } }], backendRefs: [ref('web')] },
        ],
      }),
    );
    assert.equal((await harness.echo({ path: '/prefix/one/two?x=y' })).path, '/one/two?x=y');
    assert.equal((await harness.echo({ path: '/strip/rest' })).path, '/rest');
    assert.equal((await harness.echo({ path: '/strip' })).path, '/');
    const full = await harness.echo({ path: '/full/anything' });
    assert.equal(full.path, '/replaced');
    assert.equal(full.host, 'rewritten.example');
  });

  test('RequestMirror: every mirror receives a copy; the client gets the primary answer', async () => {
    await harness.setRoutes(
      httpRoute('mirrors', {
        rules: [
          {
            filters: [
              { type: 'RequestMirror', requestMirror: { backendRef: ref('mirror-a') } },
              { type: 'RequestMirror', requestMirror: { backendRef: ref('mirror-b') } },
            ],
            backendRefs: [ref('web')],
          },
        ],
      }),
    );
    const a = harness.backends['mirror-a']!.requests;
    const b = harness.backends['mirror-b']!.requests;
    for (let i = 0; i < 5; i++) {
      const seen = await harness.echo({ path: '/mirrored', method: 'POST', body: `payload-${i}` });
      assert.equal(seen.name, 'web');
    }
    await eventually(() => {
      assert.equal(harness.backends['mirror-a']!.requests - a, 5);
      assert.equal(harness.backends['mirror-b']!.requests - b, 5);
    });
  });

  test('RequestMirror with a percentage mirrors about that share of requests', async () => {
    await harness.setRoutes(
      httpRoute('mirror-percent', {
        rules: [
          {
            filters: [
              { type: 'RequestMirror', requestMirror: { backendRef: ref('mirror-a'), percent: 30 } },
              { type: 'RequestMirror', requestMirror: { backendRef: ref('mirror-b'), fraction: { numerator: 1, denominator: 4 } } },
            ],
            backendRefs: [ref('web')],
          },
        ],
      }),
    );
    const a = harness.backends['mirror-a']!.requests;
    const b = harness.backends['mirror-b']!.requests;
    const total = 500;
    for (let i = 0; i < total; i++) await harness.echo({ path: '/' });
    // Binomial σ at n=500: ~2.0% (30%) and ~1.9% (25%); ±7 points is >3σ.
    await eventually(() => {
      const shareA = ((harness.backends['mirror-a']!.requests - a) / total) * 100;
      const shareB = ((harness.backends['mirror-b']!.requests - b) / total) * 100;
      assert.ok(Math.abs(shareA - 30) <= 7, `mirror-a got ${shareA.toFixed(1)}%, want 30% ± 7`);
      assert.ok(Math.abs(shareB - 25) <= 7, `mirror-b got ${shareB.toFixed(1)}%, want 25% ± 7`);
    });
  });

  test('RequestMirror to a backend that never answers does not delay or fail the client', async () => {
    // A black hole: accepts connections and never answers.
    const held: Socket[] = [];
    const blackHole = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    try {
      await harness.write('extra.yaml', toYaml(...backend('black-hole', (blackHole.address() as AddressInfo).port)));
      await harness.setRoutes(
        httpRoute('slow-mirror', {
          rules: [{ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: ref('black-hole') } }], backendRefs: [ref('web')] }],
        }),
      );
      for (let i = 0; i < 3; i++) {
        const seen = await harness.echo({ path: '/', method: 'POST', body: 'x'.repeat(1000), timeoutMs: 2_000 });
        assert.equal(seen.name, 'web');
      }
      await eventually(() => assert.ok(held.length > 0, 'the mirror copy never reached the black hole'));
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  test('CORS: preflight answered by the gateway, actual requests get the headers', async () => {
    await harness.setRoutes(
      httpRoute('cors', {
        rules: [
          {
            filters: [
              {
                type: 'CORS',
                cors: { allowOrigins: ['https://app.example.com', 'https://*.trusted.example'], allowMethods: ['GET', 'PUT'], allowHeaders: ['x-custom'], exposeHeaders: ['x-exposed'], maxAge: 600, allowCredentials: true },
              },
            ],
            backendRefs: [ref('web')],
          },
        ],
      }),
    );
    const preflight = await harness.send({
      method: 'OPTIONS',
      path: '/resource',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-custom' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.match(String(preflight.headers['access-control-allow-methods']), /PUT/);
    assert.match(String(preflight.headers['access-control-allow-headers']).toLowerCase(), /x-custom/);
    assert.equal(preflight.headers['access-control-max-age'], '600');
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');

    const actual = await harness.send({ path: '/resource', headers: { origin: 'https://a.trusted.example' } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers['access-control-allow-origin'], 'https://a.trusted.example');
    assert.match(String(actual.headers['access-control-expose-headers']).toLowerCase(), /x-exposed/);

    const stranger = await harness.send({ path: '/resource', headers: { origin: 'https://evil.example' } });
    assert.equal(stranger.status, 200);
    assert.equal(stranger.headers['access-control-allow-origin'], undefined);
  });
});
