// WebSocket to an h2c backend (Service appProtocol kubernetes.io/h2c): the
// Upgrade goes out as RFC 8441 extended CONNECT (`:protocol websocket`, no
// Sec-WebSocket-Key), the backend's 200 opens the tunnel — 101 with the
// accept made from the client's own key for an HTTP/1.1 client, 200 for an
// HTTP/2 one — and bytes flow both ways with half-close. A backend that did
// not announce SETTINGS_ENABLE_CONNECT_PROTOCOL gets nothing and the client a
// 502; a backend's refusal passes on as it is.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants, createServer as createH2Server } from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { webSocketAccept } from '../../src/dataplane/http2/extended-connect.ts';
import type { RequestLogInfo } from '../../src/dataplane/proxy/handler.ts';
import { backend, buildIR, rule, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane } from '../dataplane/helpers.ts';
import { h2Session } from './helpers.ts';
import { openWebSocket } from './ws-helpers.ts';

interface TunnelBackend {
  port: number;
  seen: IncomingHttpHeaders[];
  /** What each tunnel sent before its END_STREAM, by :path. */
  received: Map<string, Promise<string>>;
  /** The RST_STREAM code each tunnel closed with (0: none), by :path. */
  closed: Map<string, Promise<number>>;
  /** HTTP/2 sessions accepted so far. */
  sessions(): number;
  close(): Promise<void>;
}

/**
 * An h2c backend. /echo…: echoes each tunnel's bytes and ends when the client
 * does; /first…: sends "bye" and ends its side at once, still reading;
 * /refuse: 403. `connectProtocol` false: does not announce extended CONNECT.
 */
async function startTunnelBackend(connectProtocol: boolean): Promise<TunnelBackend> {
  const server = createH2Server({ settings: { enableConnectProtocol: connectProtocol } });
  const sessions = new Set<ServerHttp2Session>();
  const seen: IncomingHttpHeaders[] = [];
  const received = new Map<string, Promise<string>>();
  const closed = new Map<string, Promise<number>>();
  let accepted = 0;
  server.on('session', (session: ServerHttp2Session) => {
    accepted++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    seen.push(headers);
    stream.on('error', () => {});
    const path = String(headers[':path']);
    if (path === '/refuse') {
      stream.respond({ ':status': 403 });
      stream.end('not here');
      return;
    }
    closed.set(path, new Promise((resolve) => stream.on('close', () => resolve(stream.rstCode ?? 0))));
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (path.startsWith('/echo')) stream.write(chunk);
    });
    received.set(path, new Promise((resolve) => stream.on('end', () => {
      resolve(text);
      if (path.startsWith('/echo')) stream.end();
    })));
    stream.respond({ ':status': 200, 'sec-websocket-protocol': 'chat' });
    if (path.startsWith('/first')) stream.end('bye');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port, seen, received, closed,
    sessions: () => accepted,
    async close() {
      for (const session of sessions) session.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A raw HTTP/1.1 client: sends an Upgrade, collects everything it receives. */
function http1Upgrade(port: number, path: string, key: string): { socket: Socket; text(): string; waitFor(s: string): Promise<void>; ended: Promise<void> } {
  const socket = connectTcp({ port, host: '127.0.0.1', allowHalfOpen: true });
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const wake of waiters) wake();
  });
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nhost: example.com\r\nconnection: Upgrade\r\nupgrade: websocket\r\n`
    + `sec-websocket-version: 13\r\nsec-websocket-key: ${key}\r\nsec-websocket-protocol: chat\r\n\r\n`);
  return {
    socket, ended,
    text: () => text,
    waitFor(s) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!text.includes(s)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${s}; received ${JSON.stringify(text)}`));
        }, 5000);
        waiters.add(check);
        check();
      });
    },
  };
}

describe('WebSocket to an h2c backend (extended CONNECT upstream)', () => {
  let able: TunnelBackend;
  let unable: TunnelBackend;
  let dp: RunningDataPlane;
  const records: RequestLogInfo[] = [];

  before(async () => {
    able = await startTunnelBackend(true);
    unable = await startTunnelBackend(false);
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/unable' }, rule: rule('unable', { backends: [to('unable')] }) },
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('able', { backends: [to('able')] }) },
    ], [
      backend('able', [able.port], { protocol: 'h2c' }),
      backend('unable', [unable.port], { protocol: 'h2c' }),
    ]), { http2: new Http2FrontEnd(), onRequestComplete: (info) => records.push(info) });
  });
  after(async () => {
    await dp.close();
    await able.close();
    await unable.close();
  });

  it('HTTP/1.1 client: 101 with the accept of its own key, the backend sees extended CONNECT, echo both ways, client half-closes', async () => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const client = http1Upgrade(dp.port, '/echo/h1?x=1', key);
    await client.waitFor('\r\n\r\n');
    const head = client.text().slice(0, client.text().indexOf('\r\n\r\n'));
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.match(head, /\r\nupgrade: websocket/i);
    assert.match(head, /\r\nconnection: upgrade/i);
    assert.match(head, new RegExp(`\r\nsec-websocket-accept: ${webSocketAccept(key).replace(/[+/]/g, '\\$&')}`, 'i'));
    assert.match(head, /\r\nsec-websocket-protocol: chat/i);
    const headers = able.seen.at(-1) ?? {};
    assert.equal(headers[':method'], 'CONNECT');
    assert.equal(headers[':protocol'], 'websocket');
    assert.equal(headers[':path'], '/echo/h1?x=1');
    assert.equal(headers[':scheme'], 'http');
    assert.equal(headers[':authority'], 'example.com');
    assert.equal(headers['sec-websocket-key'], undefined);
    assert.equal(headers.upgrade, undefined);
    assert.equal(headers.connection, undefined);
    assert.equal(headers['sec-websocket-version'], '13');
    assert.equal(headers['sec-websocket-protocol'], 'chat');
    client.socket.write('ping-1');
    await client.waitFor('ping-1');
    client.socket.write('ping-2');
    await client.waitFor('ping-2');
    // The client's FIN is the backend's END_STREAM; the echo then ends, which is the client's EOF.
    client.socket.end();
    assert.equal(await able.received.get('/echo/h1?x=1'), 'ping-1ping-2');
    await client.ended;
    client.socket.destroy();
    const record = records.find((r) => r.path === '/echo/h1');
    assert.equal(record?.status, 101);
    assert.equal(record?.error, undefined);
  });

  it('HTTP/1.1 client: the backend half-closes first and still reads what the client sends', async () => {
    const client = http1Upgrade(dp.port, '/first/h1', 'AAAAAAAAAAAAAAAAAAAAAA==');
    await client.waitFor('bye');
    await client.ended;
    client.socket.end('late');
    assert.equal(await able.received.get('/first/h1'), 'late');
    client.socket.destroy();
  });

  it('HTTP/2 client: 200, echo both ways, half-close either way, logged as CONNECT websocket', async () => {
    const session = await h2Session(dp.port);
    try {
      if (session.remoteSettings.enableConnectProtocol !== true) await once(session, 'remoteSettings');
      const ws = openWebSocket(session, '/echo/h2', { 'sec-websocket-protocol': 'chat' });
      const { status, headers } = await ws.response;
      assert.equal(status, 200);
      assert.equal(headers['sec-websocket-accept'], undefined);
      assert.equal(headers['sec-websocket-protocol'], 'chat');
      ws.stream.write('over h2');
      await ws.waitFor('over h2');
      ws.stream.end();
      assert.equal(await able.received.get('/echo/h2'), 'over h2');
      assert.equal(await ws.closed, 0);
      const record = records.find((r) => r.path === '/echo/h2');
      assert.equal(record?.status, 200);
      assert.equal(record?.method, 'CONNECT');
      assert.equal(record?.protocol, 'websocket');

      const first = openWebSocket(session, '/first/h2');
      await first.waitFor('bye');
      first.stream.end('late');
      assert.equal(await able.received.get('/first/h2'), 'late');
      assert.equal(await first.closed, 0);
    } finally {
      session.destroy();
    }
  });

  it('a backend refusal passes on as it is', async () => {
    const client = http1Upgrade(dp.port, '/refuse', 'AAAAAAAAAAAAAAAAAAAAAA==');
    await client.waitFor('not here');
    assert.match(client.text(), /^HTTP\/1\.1 403 /);
    client.socket.destroy();
  });

  it('a backend without SETTINGS_ENABLE_CONNECT_PROTOCOL: nothing is sent, the client gets 502 and the log says why', async () => {
    const before = unable.seen.length;
    const client = http1Upgrade(dp.port, '/unable/ws', 'AAAAAAAAAAAAAAAAAAAAAA==');
    await client.waitFor('SETTINGS_ENABLE_CONNECT_PROTOCOL');
    assert.match(client.text(), /^HTTP\/1\.1 502 /);
    client.socket.destroy();

    const session = await h2Session(dp.port);
    try {
      if (session.remoteSettings.enableConnectProtocol !== true) await once(session, 'remoteSettings');
      const ws = openWebSocket(session, '/unable/h2');
      assert.equal((await ws.response).status, 502);
    } finally {
      session.destroy();
    }
    assert.equal(unable.seen.length, before);
    const logged = records.filter((r) => r.path.startsWith('/unable/'));
    assert.deepEqual(logged.map((r) => [r.status, r.error]), [[502, 'upgrade_failed'], [502, 'upgrade_failed']]);
  });
});

describe('an open tunnel to an h2c backend', () => {
  let able: TunnelBackend;
  let dp: RunningDataPlane;

  before(async () => {
    able = await startTunnelBackend(true);
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('able', { backends: [to('able')] }) },
    ], [backend('able', [able.port], { protocol: 'h2c' })]), { limits: { upstreamIdleTimeoutMs: 100 } });
  });
  after(async () => {
    await dp.close();
    await able.close();
  });

  it('keeps its session past the upstream idle timeout (a later request shares it), and a client gone resets it with CANCEL', async () => {
    const client = http1Upgrade(dp.port, '/echo/idle', 'AAAAAAAAAAAAAAAAAAAAAA==');
    await client.waitFor('\r\n\r\n');
    // Several idle timeouts (and sweeps) pass with the tunnel open but silent.
    await new Promise((resolve) => setTimeout(resolve, 600));
    client.socket.write('still here');
    await client.waitFor('still here');
    const second = http1Upgrade(dp.port, '/echo/second', 'AAAAAAAAAAAAAAAAAAAAAA==');
    await second.waitFor('\r\n\r\n');
    assert.equal(able.sessions(), 1, 'the session with an open tunnel was not swept');
    // A TCP reset (not a FIN, which is a half-close) is the client gone.
    second.socket.resetAndDestroy();
    assert.equal(await able.closed.get('/echo/second'), constants.NGHTTP2_CANCEL);
    client.socket.resetAndDestroy();
    assert.equal(await able.closed.get('/echo/idle'), constants.NGHTTP2_CANCEL);
  });
});
