// Backends as they really behave: connection reuse (also across reloads), a
// kept-alive connection the backend drops as it is reused, refused and reset
// connections, invalid responses, timeouts, retries with body replay, and
// ExternalName backends resolved by DNS.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, closed, freePort, get, rawSocket, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { TestBackend } from './helpers.ts';

/** A raw backend: `onRequest` gets each request's bytes (one per packet is enough for these tests) and its index on the connection. */
async function rawBackend(onRequest: (socket: Socket, index: number, data: string) => void): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let index = 0;
    socket.on('data', (data: Buffer) => onRequest(socket, index++, data.toString('latin1')));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('upstream connections', () => {
  let be: TestBackend;
  let connections = 0;

  before(async () => {
    be = await startBackend((req, res, body) => res.end(`${req.method} ${req.url} ${body.length}`));
    be.server.on('connection', () => connections++);
  });
  after(async () => {
    await be.close();
  });

  it('reuses one kept-alive backend connection for sequential requests, and keeps it across a reload', async () => {
    const build = (prefix: string) => (port: number) => buildIR(port, [{ path: { type: 'PathPrefix', value: prefix }, rule: rule('r', { backends: [to('b')] }) }], [backend('b', [be.port])]);
    const dp = await startDataPlane(build('/v1'));
    try {
      const start = connections;
      for (let i = 0; i < 5; i++) assert.equal((await get(dp.port, `/v1/${i}`)).status, 200);
      assert.equal(connections - start, 1, 'one backend connection for five requests');
      await dp.dataPlane.apply(build('/v2')(dp.port));
      assert.equal((await get(dp.port, '/v1/x')).status, 404);
      assert.equal((await get(dp.port, '/v2/x')).status, 200);
      assert.equal(connections - start, 1, 'the reload kept the warm connection');
    } finally {
      await dp.close();
    }
  });

  it('retries on a new connection when a reused one is dropped before answering (idempotent requests only)', async () => {
    // Answers the first request on each connection and keeps it alive, then
    // drops the connection when a second request arrives on it.
    const flaky = await rawBackend((socket, index, data) => {
      if (index > 0) {
        socket.destroy();
        return;
      }
      const line = data.slice(0, data.indexOf('\r\n'));
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${line.length}\r\n\r\n${line}`);
    });
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('f')] }) }], [backend('f', [flaky.port])]));
    try {
      assert.equal((await get(dp.port, '/first')).body, 'GET /first HTTP/1.1');
      const second = await get(dp.port, '/second');
      assert.equal(second.status, 200);
      assert.equal(second.body, 'GET /second HTTP/1.1');
      assert.equal(flaky.connections, 2);
      const post = await get(dp.port, '/post', { method: 'POST', body: 'x' });
      assert.equal(post.status, 503, 'a POST is not sent twice');
    } finally {
      await dp.close();
      await flaky.close();
    }
  });

  it('drops pooled connections the backend closed while idle', async () => {
    const short = await startBackend((_req, res) => res.end('ok'));
    short.server.keepAliveTimeout = 50;
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('s')] }) }], [backend('s', [short.port])]));
    try {
      assert.equal((await get(dp.port, '/a')).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal((await get(dp.port, '/b')).status, 200);
    } finally {
      await dp.close();
      await short.close();
    }
  });

  it('answers 503 when the backend refuses connections', async () => {
    const dead = await freePort();
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('d')] }) }], [backend('d', [dead])]));
    try {
      const response = await get(dp.port, '/');
      assert.equal(response.status, 503);
    } finally {
      await dp.close();
    }
  });

  it('answers 502 to an invalid response, and 503 to a reset before any response', async () => {
    const broken = await rawBackend((socket, _index, data) => {
      if (data.startsWith('GET /garbage')) socket.end('NOT HTTP AT ALL\r\n\r\n');
      else socket.destroy();
    });
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('x')] }) }], [backend('x', [broken.port])]));
    try {
      assert.equal((await get(dp.port, '/garbage')).status, 502);
      assert.equal((await get(dp.port, '/reset')).status, 503);
    } finally {
      await dp.close();
      await broken.close();
    }
  });

  it('closes the client connection when the backend resets mid-response', async () => {
    const cut = await rawBackend((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b');
      setTimeout(() => socket.destroy(), 20);
    });
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('c')] }) }], [backend('c', [cut.port])]));
    try {
      const socket = await rawSocket(dp.port);
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await closed(socket);
      assert.match(socket.received(), /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 100\r\n\r\nonly ten b$/);
    } finally {
      await dp.close();
      await cut.close();
    }
  });

  it('resolves ExternalName backends by DNS', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('ext')] }) }], [
      backend('ext', [], { externalName: { hostname: 'localhost', port: be.port } }),
    ]));
    try {
      assert.equal((await get(dp.port, '/via-dns')).body, 'GET /via-dns 0');
      assert.equal((await get(dp.port, '/again')).body, 'GET /again 0');
    } finally {
      await dp.close();
    }
  });

  it('answers 503 when an ExternalName does not resolve', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('ext')] }) }], [
      backend('ext', [], { externalName: { hostname: 'does-not-exist.invalid', port: 80 } }),
    ]));
    try {
      assert.equal((await get(dp.port, '/')).status, 503);
    } finally {
      await dp.close();
    }
  });
});

describe('timeouts and retries', () => {
  let attempts: Map<string, number>;
  let bodies: string[];
  let be: TestBackend;

  before(async () => {
    attempts = new Map();
    bodies = [];
    be = await startBackend((req, res, body) => {
      const url = req.url ?? '';
      const seen = (attempts.get(url) ?? 0) + 1;
      attempts.set(url, seen);
      bodies.push(body.toString());
      if (url.startsWith('/slow-body')) {
        res.write('head-');
        setTimeout(() => res.end('tail'), 400);
      } else if (url.startsWith('/slow')) {
        setTimeout(() => res.end('slow'), 400);
      } else if (url.startsWith('/fail-twice') && seen <= 2) {
        res.statusCode = 503;
        res.end('nope');
      } else if (url.startsWith('/always-fail')) {
        res.statusCode = 503;
        res.end('still no');
      } else {
        res.end(`ok after ${seen}`);
      }
    });
  });
  after(async () => {
    await be.close();
  });

  const retry = { codes: [503], attempts: 2, backoffMs: 5, onConnectFailure: true };

  it('retries on the rule\'s codes, replaying the request body', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')], retry }) }], [backend('b', [be.port])]));
    try {
      bodies.length = 0;
      const response = await get(dp.port, '/fail-twice', { method: 'POST', body: 'replay me' });
      assert.equal(response.status, 200);
      assert.equal(response.body, 'ok after 3');
      assert.deepEqual(bodies, ['replay me', 'replay me', 'replay me']);
      const exhausted = await get(dp.port, '/always-fail');
      assert.equal(exhausted.status, 503);
      assert.equal(attempts.get('/always-fail'), 3, 'one try and two retries');
    } finally {
      await dp.close();
    }
  });

  it('does not retry a body too big to replay', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')], retry }) }], [backend('b', [be.port])]), {
      limits: { retryBufferBytes: 1024 },
    });
    try {
      const response = await get(dp.port, '/always-fail-big', { method: 'POST', body: 'x'.repeat(5000) });
      assert.equal(response.status, 503);
      assert.equal(attempts.get('/always-fail-big'), 1);
    } finally {
      await dp.close();
    }
  });

  it('retries a connection failure on another endpoint', async () => {
    const dead = await freePort();
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')], retry }) }], [backend('b', [dead, be.port])]));
    try {
      for (let i = 0; i < 4; i++) assert.equal((await get(dp.port, `/conn-${i}`)).status, 200);
    } finally {
      await dp.close();
    }
  });

  it('answers 504 when a try exceeds the backendRequest timeout', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')], timeouts: { backendRequestMs: 100 } }) }], [backend('b', [be.port])]));
    try {
      const started = Date.now();
      const response = await get(dp.port, '/slow');
      assert.equal(response.status, 504);
      assert.ok(Date.now() - started < 390, 'answered before the backend would have');
    } finally {
      await dp.close();
    }
  });

  it('answers 504 when the request timeout passes, across retries', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{
      rule: rule('r', { backends: [to('b')], timeouts: { requestMs: 150, backendRequestMs: 100 }, retry: { codes: [504], attempts: 5, backoffMs: 10, onConnectFailure: false } }),
    }], [backend('b', [be.port])]));
    try {
      const before = attempts.get('/slow-retried') ?? 0;
      const response = await get(dp.port, '/slow-retried');
      assert.equal(response.status, 504);
      assert.equal((attempts.get('/slow-retried') ?? 0) - before, 2, 'the per-try timeout retried once before the request timeout');
    } finally {
      await dp.close();
    }
  });

  it('closes the client connection when the request timeout passes mid-response', async () => {
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')], timeouts: { requestMs: 150 } }) }], [backend('b', [be.port])]));
    try {
      const socket = await rawSocket(dp.port);
      socket.write('GET /slow-body HTTP/1.1\r\nHost: a\r\n\r\n');
      await closed(socket);
      assert.match(socket.received(), /^HTTP\/1\.1 200 OK\r\n[\s\S]*head-\r\n$/);
    } finally {
      await dp.close();
    }
  });
});
