// What a hostile or broken HTTP/2 client gets: rapid reset (CVE-2023-44487)
// ends in GOAWAY ENHANCE_YOUR_CALM, an oversized header list is refused, a
// malformed frame closes that connection only, a client that never sends
// SETTINGS and an idle connection are closed, the stream limit is advertised,
// and draining sends GOAWAY while the stream in flight finishes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, rawExchange, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

describe('HTTP/2 defences', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow done'), 300);
      else res.end('ok');
    });
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('all', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), {
      http2: new Http2FrontEnd({ maxResetsPerWindow: 20, settingsTimeoutMs: 300 }),
      limits: { maxHeaderBytes: 8 * 1024, idleTimeoutMs: 400 },
    });
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('advertises the stream concurrency limit and no push', async () => {
    const session = connect(`http://127.0.0.1:${dp.port}`);
    try {
      await once(session, 'remoteSettings');
      assert.equal(session.remoteSettings.maxConcurrentStreams, 100);
      assert.equal(session.remoteSettings.maxHeaderListSize, 8 * 1024);
    } finally {
      session.destroy();
    }
  });

  it('rapid reset: a client cancelling streams over the cap gets GOAWAY ENHANCE_YOUR_CALM', async () => {
    const session = await h2Session(dp.port);
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    const closed = new Promise((resolve) => session.once('close', resolve));
    for (let i = 0; i < 100 && !session.closed && !session.destroyed; i++) {
      const stream = session.request({ ':path': `/slow?${i}`, ':authority': 'example.com' });
      stream.on('error', () => {});
      stream.close(constants.NGHTTP2_CANCEL);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await goaway, constants.NGHTTP2_ENHANCE_YOUR_CALM);
    await closed;
  });

  it('keeps serving a client that cancels a few streams', async () => {
    const session = await h2Session(dp.port);
    try {
      for (let i = 0; i < 5; i++) {
        const stream = session.request({ ':path': '/slow', ':authority': 'example.com' });
        stream.on('error', () => {});
        stream.close(constants.NGHTTP2_CANCEL);
      }
      assert.equal((await h2Request(session, { ':path': '/x' })).status, 200);
    } finally {
      session.destroy();
    }
  });

  it('refuses a header list over the limit without losing the connection', async () => {
    const session = await h2Session(dp.port);
    try {
      // Sent before the client knows the limit (its first request), so Portico itself must refuse it.
      const big = await h2Request(session, { ':path': '/big', 'x-big': 'v'.repeat(16 * 1024) });
      assert.equal(big.status, 431);
      assert.equal(be.seen.some((seen) => seen.url === '/big'), false, 'never forwarded');
      assert.equal((await h2Request(session, { ':path': '/after' })).status, 200);
    } finally {
      session.destroy();
    }
  });

  it('closes a connection that sends a malformed frame (and only that one)', async () => {
    const bystander = await h2Session(dp.port);
    try {
      // A SETTINGS frame whose length is not a multiple of 6: FRAME_SIZE_ERROR for the connection.
      const badSettings = Buffer.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
      const { closed } = await rawExchange(dp.port, [Buffer.from(PREFACE, 'latin1'), badSettings], { timeoutMs: 3000 });
      assert.equal(closed, true);
      assert.equal((await h2Request(bystander, { ':path': '/still' })).status, 200);
    } finally {
      bystander.destroy();
    }
  });

  it('closes a client that sends the preface but never its SETTINGS', async () => {
    const { closed } = await rawExchange(dp.port, PREFACE, { timeoutMs: 3000 });
    assert.equal(closed, true);
  });

  it('closes an idle connection after the idle timeout', async () => {
    const session = await h2Session(dp.port);
    assert.equal((await h2Request(session, { ':path': '/x' })).status, 200);
    const started = Date.now();
    await once(session, 'close');
    assert.ok(Date.now() - started < 5000);
  });

  it('draining: GOAWAY for new streams, the stream in flight still completes', async () => {
    const other = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('all', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), { http2: new Http2FrontEnd() });
    const session: ClientHttp2Session = await h2Session(other.port);
    try {
      const inflight = h2Request(session, { ':path': '/slow' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const goaway = once(session, 'goaway');
      const closing = other.dataPlane.close({ drainTimeoutMs: 3000 });
      await goaway;
      const response = await inflight;
      assert.equal(response.status, 200);
      assert.equal(response.body, 'slow done');
      await closing;
    } finally {
      session.destroy();
    }
  });
});
