// What crosses the proxy in each direction: hop-by-hop headers removed (RFC
// 9110 §7.6.1), forwarding headers, Host kept or rewritten, URL rewrites,
// header modifiers (rule, then backendRef) both ways, and CORS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, get, rawExchange, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

interface Seen {
  url: string;
  rawHeaders: string[];
}

function header(seen: Seen, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < seen.rawHeaders.length; i += 2) {
    if ((seen.rawHeaders[i] as string).toLowerCase() === name) values.push(seen.rawHeaders[i + 1] as string);
  }
  return values;
}

describe('headers across the proxy', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res) => {
      // Hop-by-hop headers a careless backend sends back, plus one it lists in Connection.
      res.setHeader('connection', 'x-backend-hop, keep-alive');
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('x-backend-hop', 'secret');
      res.setHeader('proxy-connection', 'keep-alive');
      res.setHeader('x-backend', 'yes');
      res.setHeader('x-remove-me', 'gone');
      res.setHeader('vary', 'Accept-Encoding');
      res.end(JSON.stringify({ url: req.url, rawHeaders: req.rawHeaders }));
    });
    dp = await startDataPlane((port) => buildIR(port, [
      {
        path: { type: 'PathPrefix', value: '/rewrite' },
        rule: rule('rewrite', {
          rewrite: { hostname: 'internal.example', path: { type: 'ReplacePrefixMatch', value: '/v2' } },
          backends: [to('b')],
        }),
      },
      {
        path: { type: 'PathPrefix', value: '/edits' },
        rule: rule('edits', {
          requestHeaders: { set: [{ name: 'X-Env', value: 'rule' }], add: [{ name: 'X-Trace', value: 'rule' }], remove: ['x-drop'] },
          responseHeaders: { set: [{ name: 'X-Backend', value: 'rule' }], add: [], remove: ['x-remove-me'] },
          backends: [to('b', 1, {
            requestHeaders: { set: [{ name: 'X-Env', value: 'backendRef' }], add: [], remove: [] },
            responseHeaders: { set: [], add: [{ name: 'X-Added', value: 'backendRef' }], remove: [] },
          })],
        }),
      },
      {
        path: { type: 'PathPrefix', value: '/cors' },
        rule: rule('cors', {
          cors: { allowOrigins: ['https://*.example.com'], allowCredentials: true, allowMethods: ['GET', 'PUT'], allowHeaders: ['x-custom'], exposeHeaders: ['x-backend'], maxAgeSeconds: 600 },
          backends: [to('b')],
        }),
      },
      { rule: rule('all', { backends: [to('b')] }) },
    ], [backend('b', [be.port])]));
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('removes hop-by-hop request headers, including those the Connection header lists', async () => {
    const response = await get(dp.port, '/plain', {
      host: 'Shop.Example.com:8080',
      headers: {
        connection: 'x-client-hop, keep-alive', 'keep-alive': 'timeout=5', 'x-client-hop': '1',
        'proxy-connection': 'keep-alive', te: 'gzip', upgrade: 'h2c', 'x-end-to-end': 'kept',
      },
    });
    const seen = JSON.parse(response.body) as Seen;
    for (const name of ['keep-alive', 'x-client-hop', 'proxy-connection', 'te', 'upgrade', 'transfer-encoding']) {
      assert.deepEqual(header(seen, name), [], name);
    }
    assert.deepEqual(header(seen, 'connection'), []);
    assert.deepEqual(header(seen, 'x-end-to-end'), ['kept']);
    assert.deepEqual(header(seen, 'host'), ['Shop.Example.com:8080'], 'Host is passed on as received');
    assert.equal(seen.rawHeaders[0]?.toLowerCase(), 'host', 'Host goes first');
  });

  it('keeps "TE: trailers" (the one TE value that may be forwarded)', async () => {
    const response = await get(dp.port, '/te', { headers: { te: 'trailers' } });
    assert.deepEqual(header(JSON.parse(response.body) as Seen, 'te'), ['trailers']);
  });

  it('removes hop-by-hop response headers, including those the backend lists in Connection', async () => {
    const { text } = await rawExchange(dp.port, 'GET /resp HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
    assert.doesNotMatch(head, /keep-alive: |x-backend-hop|proxy-connection/);
    assert.doesNotMatch(head, /\r\nconnection: x-backend-hop/, 'the backend\'s Connection header is not passed on');
    assert.match(head, /x-backend: yes/);
  });

  it('appends the client to X-Forwarded-For and Forwarded, sets X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const response = await get(dp.port, '/fwd', {
      host: 'shop.example.com',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', forwarded: 'for=203.0.113.7' },
    });
    const seen = JSON.parse(response.body) as Seen;
    assert.deepEqual(header(seen, 'x-forwarded-for'), ['203.0.113.7, 127.0.0.1']);
    assert.deepEqual(header(seen, 'x-forwarded-proto'), ['http'], 'the scheme the client really used');
    assert.deepEqual(header(seen, 'x-forwarded-host'), ['shop.example.com']);
    assert.deepEqual(header(seen, 'forwarded'), ['for=203.0.113.7, for=127.0.0.1;host=shop.example.com;proto=http']);
  });

  it('cannot strip the forwarding headers by listing them in Connection', async () => {
    const response = await get(dp.port, '/sneaky', { headers: { connection: 'x-forwarded-for, forwarded' } });
    const seen = JSON.parse(response.body) as Seen;
    assert.deepEqual(header(seen, 'x-forwarded-for'), ['127.0.0.1']);
    assert.equal(header(seen, 'forwarded').length, 1);
  });

  it('rewrites host and path prefix (URLRewrite), keeping the query', async () => {
    const response = await get(dp.port, '/rewrite/items?id=7', { host: 'public.example.com' });
    const seen = JSON.parse(response.body) as Seen;
    assert.equal(seen.url, '/v2/items?id=7');
    assert.deepEqual(header(seen, 'host'), ['internal.example']);
    assert.deepEqual(header(seen, 'x-forwarded-host'), ['public.example.com']);
  });

  it('applies request header edits of the rule, then of the backendRef', async () => {
    const response = await get(dp.port, '/edits', { headers: { 'x-env': 'client', 'x-drop': 'bye', 'x-trace': 'client' } });
    const seen = JSON.parse(response.body) as Seen;
    assert.deepEqual(header(seen, 'x-env'), ['backendRef']);
    assert.deepEqual(header(seen, 'x-trace'), ['client', 'rule']);
    assert.deepEqual(header(seen, 'x-drop'), []);
  });

  it('applies response header edits of the rule, then of the backendRef', async () => {
    const response = await get(dp.port, '/edits');
    assert.equal(response.headers['x-backend'], 'rule');
    assert.equal(response.headers['x-added'], 'backendRef');
    assert.equal(response.headers['x-remove-me'], undefined);
  });

  it('answers a CORS preflight itself, with the policy', async () => {
    const before = be.seen.length;
    const response = await get(dp.port, '/cors/x', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-custom' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.equal(response.headers['access-control-allow-methods'], 'GET, PUT');
    assert.equal(response.headers['access-control-allow-headers'], 'x-custom');
    assert.equal(response.headers['access-control-max-age'], '600');
    assert.equal(be.seen.length, before, 'the preflight did not reach the backend');
  });

  it('adds CORS headers to an allowed actual request, extending the backend\'s Vary', async () => {
    const response = await get(dp.port, '/cors/x', { headers: { origin: 'https://app.example.com' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(response.headers['access-control-expose-headers'], 'x-backend');
    assert.equal(response.headers.vary, 'Accept-Encoding, Origin');
  });

  it('adds no CORS headers for an origin that is not allowed', async () => {
    const response = await get(dp.port, '/cors/x', { headers: { origin: 'https://evil.test' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});
