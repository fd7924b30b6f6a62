// Limits on WebSocket tunnels over HTTP/2: a tunnel is a stream, so it counts
// against the connection's stream limit (a request beyond it waits until a
// tunnel ends), and, like an HTTP/1.1 WebSocket tunnel, it is not cut off by
// the idle timeout while it is open.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';
import { openWebSocket, startLineBackend } from './ws-helpers.ts';
import type { LineBackend } from './ws-helpers.ts';

const IDLE_MS = 150;

describe('WebSocket over HTTP/2: limits', () => {
  let line: LineBackend;
  let plain: TestBackend;
  let dp: RunningDataPlane;
  let session: ClientHttp2Session;

  before(async () => {
    line = await startLineBackend();
    plain = await startBackend((_req, res) => res.end('plain'));
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/line' }, rule: rule('line', { backends: [to('line')] }) },
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('plain', { backends: [to('plain')] }) },
    ], [backend('line', [line.port]), backend('plain', [plain.port])]), {
      http2: new Http2FrontEnd({ maxConcurrentStreams: 2 }),
      limits: { idleTimeoutMs: IDLE_MS },
    });
    session = await h2Session(dp.port);
    if (session.remoteSettings.enableConnectProtocol !== true) await once(session, 'remoteSettings');
  });
  after(async () => {
    session.destroy();
    await dp.close();
    line.close();
    await plain.close();
  });

  it('counts tunnels against the stream limit, and outlives the idle timeout while open', async () => {
    assert.equal(session.remoteSettings.maxConcurrentStreams, 2);
    const first = openWebSocket(session, '/line/1');
    const second = openWebSocket(session, '/line/2');
    await first.waitFor('welcome');
    await second.waitFor('welcome');
    let answered = false;
    const third = h2Request(session, { ':path': '/x' }).then((response) => {
      answered = true;
      return response;
    });
    // Round trips through both tunnels: the third stream is still waiting for a free slot.
    first.stream.write('ping');
    second.stream.write('ping');
    await first.waitFor('pong');
    await second.waitFor('pong');
    assert.equal(answered, false, 'a third stream waits while two tunnels hold the limit');

    // Quiet for several idle timeouts: open tunnels are not idle connections.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 3));
    first.stream.write('ping');
    await first.waitFor(/pong.*pong/s);
    assert.equal(session.closed, false);

    first.stream.end();
    await first.waitFor('bye');
    assert.equal(await first.closed, 0);
    assert.equal((await third).body, 'plain');
    second.stream.end();
    assert.equal(await second.closed, 0);
  });
});
