// h2c backends (IRBackend.protocol 'h2c'): HTTP/1.1 and HTTP/2 clients reach
// them over one pooled HTTP/2 session per endpoint; trailers come back,
// bodies stream both ways, a GOAWAY from the backend moves new requests to a
// new session, a backend that is gone answers 503.
import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, freePort, get, rule, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane } from '../dataplane/helpers.ts';
import { h2Request, h2Session, startH2Backend } from './helpers.ts';
import type { H2Backend } from './helpers.ts';

describe('h2c backends', () => {
  let be: H2Backend;
  let dp: RunningDataPlane;
  let session: ClientHttp2Session;
  let deadPort: number;

  before(async () => {
    be = await startH2Backend((stream, headers) => {
      const path = String(headers[':path']);
      if (path === '/goaway') {
        stream.respond({ ':status': 200 });
        stream.end('bye');
        stream.session?.goaway();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'x-saw': `${String(headers[':method'])} ${path} ${String(headers[':authority'])}` }, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'x-checksum': String(Buffer.concat(chunks).length) }));
        stream.end(`h2:${Buffer.concat(chunks).toString()}`);
      });
    });
    deadPort = await freePort();
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/dead' }, rule: rule('dead', { backends: [to('dead')] }) },
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('h2', { backends: [to('h2')] }) },
    ], [backend('h2', [be.port], { protocol: 'h2c' }), backend('dead', [deadPort], { protocol: 'h2c' })]), { http2: new Http2FrontEnd() });
    session = await h2Session(dp.port);
  });
  after(async () => {
    session.destroy();
    await dp.close();
    await be.close();
  });

  it('HTTP/2 client → h2c backend: headers, body and trailers pass through', async () => {
    const response = await h2Request(session, { ':path': '/p?x=1', ':method': 'POST', te: 'trailers' }, 'payload');
    assert.equal(response.status, 200);
    assert.equal(response.body, 'h2:payload');
    assert.equal(response.headers['x-saw'], 'POST /p?x=1 example.com');
    assert.equal(response.trailers['x-checksum'], '7');
  });

  it('HTTP/1.1 client → h2c backend: chunked response with the trailers', async () => {
    const { status, body, trailers } = await new Promise<{ status: number; body: string; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: dp.port, path: '/one', method: 'POST', agent: false, headers: { host: 'h1.example', te: 'trailers' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, trailers: res.trailers }));
      });
      req.on('error', reject);
      req.end('abc');
    });
    assert.equal(status, 200);
    assert.equal(body, 'h2:abc');
    assert.equal(trailers['x-checksum'], '3');
    assert.equal(be.seen.at(-1)?.[':authority'], 'h1.example');
  });

  it('reuses one backend session for many requests from several clients', async () => {
    let sessions = 0;
    const count = (): void => { sessions++; };
    be.server.on('session', count);
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => h2Request(session, { ':path': `/many/${i}` })));
      await Promise.all(Array.from({ length: 5 }, () => get(dp.port, '/h1')));
      assert.equal(sessions, 0, 'the session opened by earlier tests serves these too');
    } finally {
      be.server.removeListener('session', count);
    }
  });

  it('after the backend sends GOAWAY, the next requests open a new session', async () => {
    let sessions = 0;
    const count = (): void => { sessions++; };
    be.server.on('session', count);
    try {
      const bye = await h2Request(session, { ':path': '/goaway' });
      assert.equal(bye.body, 'bye');
      for (let i = 0; i < 3; i++) {
        const response = await h2Request(session, { ':path': `/after/${i}` });
        assert.equal(response.status, 200);
      }
      assert.equal(sessions, 1);
    } finally {
      be.server.removeListener('session', count);
    }
  });

  it('answers 503 when the h2c backend refuses connections', async () => {
    const h2 = await h2Session(dp.port);
    try {
      const response = await h2Request(h2, { ':path': '/dead' });
      assert.equal(response.status, 503);
    } finally {
      h2.destroy();
    }
    assert.equal((await get(dp.port, '/dead')).status, 503);
  });
});
