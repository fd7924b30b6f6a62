// Client-side deadlines with real sockets and short limits: a head sent too
// slowly (slowloris), an idle keep-alive connection, a stalled request body.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, closed, rawSocket, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('client deadlines', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res, body) => {
      if (req.url === '/huge') {
        // More than the sockets between here and the client can hold.
        const chunk = Buffer.alloc(1024 * 1024, 'h');
        let sent = 0;
        const pump = (): void => {
          while (sent < 64) {
            sent++;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => (sent = 64));
        pump();
        return;
      }
      res.end(`got ${body.length}`);
    });
    dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('all', { backends: [to('b')] }) }], [backend('b', [be.port])]), {
      limits: { headerTimeoutMs: 300, idleTimeoutMs: 400, bodyIdleTimeoutMs: 300 },
    });
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('cuts off a client that sends its head too slowly (408), even while it keeps sending', async () => {
    const socket = await rawSocket(dp.port);
    const started = Date.now();
    socket.write('GET / HTTP/1.1\r\n');
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 50);
    try {
      await closed(socket);
    } finally {
      clearInterval(drip);
    }
    assert.deepEqual(statusLines(socket.received()), [408]);
    assert.ok(Date.now() - started < 3000, 'cut off near the header timeout');
  });

  it('closes a connection that never sends anything', async () => {
    const socket = await rawSocket(dp.port);
    await closed(socket);
    assert.equal(socket.received(), '');
  });

  it('closes an idle keep-alive connection after the idle timeout, not before answering', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('got 0');
    const idleStart = Date.now();
    await closed(socket);
    assert.ok(Date.now() - idleStart >= 300, 'kept for about the idle timeout');
    assert.deepEqual(statusLines(socket.received()), [200]);
  });

  it('cuts off a request body that stops arriving (408), and the backend gets nothing half-done reused', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly-part');
    await closed(socket);
    assert.deepEqual(statusLines(socket.received()), [408]);
  });

  it('cuts off a client that stops reading its response', async () => {
    const socket = await rawSocket(dp.port);
    socket.pause();
    socket.write('GET /huge HTTP/1.1\r\nHost: a\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 1200)); // well past the idle timeout
    let received = 0;
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await closed(socket);
    assert.ok(received < 64 * 1024 * 1024, `cut off after ${received} bytes, not served to the end`);
  });

  it('does not time out a slow backend under the idle rules (the request is in progress)', async () => {
    const slow = await startBackend((_req, res) => setTimeout(() => res.end('late'), 700));
    const slowDp = await startDataPlane((port) => buildIR(port, [{ rule: rule('all', { backends: [to('s')] }) }], [backend('s', [slow.port])]), {
      limits: { headerTimeoutMs: 200, idleTimeoutMs: 200, bodyIdleTimeoutMs: 200 },
    });
    try {
      const socket = await rawSocket(slowDp.port);
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      await socket.waitFor('late', 3000);
      socket.destroy();
    } finally {
      await slowDp.close();
      await slow.close();
    }
  });
});
