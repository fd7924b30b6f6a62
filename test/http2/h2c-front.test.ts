// HTTP/2 clients with prior knowledge (h2c) on a plain HTTP port, through
// the same pipeline as HTTP/1.1: routing, redirects, direct responses,
// header edits, forwarding headers, bodies both ways with HTTP/1.1 backends.
import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, get, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';

describe('HTTP/2 prior knowledge → HTTP/1.1 backend', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;
  let session: ClientHttp2Session;

  before(async () => {
    be = await startBackend((req, res, body) => {
      res.setHeader('x-backend-saw', `${req.method} ${req.url} http/${req.httpVersion}`);
      res.setHeader('connection', 'keep-alive');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(body.length > 0 ? `echo:${body.toString()}` : 'hello');
    });
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'Exact', value: '/moved' }, rule: rule('moved', { redirect: { statusCode: 302, path: { type: 'ReplaceFullPath', value: '/new' } } }) },
      { path: { type: 'Exact', value: '/teapot' }, rule: rule('direct', { directResponse: { status: 418, body: 'short and stout' } }) },
      { path: { type: 'PathPrefix', value: '/edit' }, rule: rule('edit', {
        backends: [to('be')],
        requestHeaders: { set: [{ name: 'x-set', value: 'by-rule' }], add: [], remove: ['x-drop'] },
        responseHeaders: { set: [{ name: 'x-resp', value: 'edited' }], add: [], remove: [] },
      }) },
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('all', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), { http2: new Http2FrontEnd() });
    session = await h2Session(dp.port);
  });
  after(async () => {
    session.destroy();
    await dp.close();
    await be.close();
  });

  const table: Array<{ name: string; path: string; status: number; body?: string; location?: string }> = [
    { name: 'a routed request', path: '/x?q=1', status: 200, body: 'hello' },
    { name: 'a redirect keeps the scheme the client used', path: '/moved', status: 302, location: 'http://example.com/new' },
    { name: 'a direct response', path: '/teapot', status: 418, body: 'short and stout' },
    { name: 'an invalid escape', path: '/a/%zz', status: 400 },
  ];
  for (const row of table) {
    it(`${row.name} → ${row.status}`, async () => {
      const response = await h2Request(session, { ':path': row.path });
      assert.equal(response.status, row.status, response.body);
      if (row.body !== undefined) assert.equal(response.body, row.body);
      if (row.location !== undefined) assert.equal(response.headers.location, row.location);
    });
  }

  it('answers 404 for no route on a host the port does not serve', async () => {
    const dp404 = await startDataPlane((port) => buildIR(port, [
      { hostname: 'only.example', rule: rule('only', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), { http2: new Http2FrontEnd() });
    const other = await h2Session(dp404.port);
    try {
      const response = await h2Request(other, { ':path': '/', ':authority': 'elsewhere.example' });
      assert.equal(response.status, 404);
      const served = await h2Request(other, { ':path': '/', ':authority': 'only.example' });
      assert.equal(served.status, 200);
    } finally {
      other.destroy();
      await dp404.close();
    }
  });

  it('sends the backend HTTP/1.1 with :authority as Host, joined cookies and forwarding headers', async () => {
    const response = await h2Request(session, { ':path': '/fwd', ':authority': 'shop.example:8080', cookie: ['a=1', 'b=2'], 'x-forwarded-for': '10.0.0.1' });
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-backend-saw'], 'GET /fwd http/1.1');
    const seen = be.seen.at(-1);
    assert.equal(seen?.headers.host, 'shop.example:8080');
    assert.equal(seen?.headers.cookie, 'a=1; b=2');
    assert.equal(seen?.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
    assert.equal(seen?.headers['x-forwarded-proto'], 'http');
    assert.equal(seen?.headers.forwarded, 'for=127.0.0.1;host="shop.example:8080";proto=http');
  });

  it('strips connection-specific response headers and keeps repeated ones', async () => {
    const response = await h2Request(session, { ':path': '/x' });
    assert.equal(response.headers.connection, undefined);
    assert.equal(response.headers['keep-alive'], undefined);
    assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
  });

  it('applies the rule header edits both ways', async () => {
    const response = await h2Request(session, { ':path': '/edit', 'x-drop': 'gone', 'x-set': 'client' });
    assert.equal(response.headers['x-resp'], 'edited');
    const seen = be.seen.at(-1);
    assert.equal(seen?.headers['x-set'], 'by-rule');
    assert.equal(seen?.headers['x-drop'], undefined);
  });

  it('streams a request body of unknown length to the backend (chunked) and the answer back', async () => {
    const body = 'x'.repeat(200_000);
    const response = await h2Request(session, { ':path': '/upload', ':method': 'POST' }, body);
    assert.equal(response.status, 200);
    assert.equal(response.body, `echo:${body}`);
    assert.equal(be.seen.at(-1)?.headers['transfer-encoding'], 'chunked');
  });

  it('serves many concurrent streams on one connection', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => h2Request(session, { ':path': `/c${i}` })));
    assert.deepEqual(responses.map((r) => r.status), responses.map(() => 200));
  });

  it('still serves HTTP/1.1 on the same port', async () => {
    const response = await get(dp.port, '/x');
    assert.equal(response.status, 200);
    assert.equal(response.body, 'hello');
  });
});
