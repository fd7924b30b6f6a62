// Graceful shutdown: close() stops accepting, closes idle keep-alive
// connections at once, lets requests in flight finish (with Connection:
// close), and cuts off whatever is still running at the drain deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backend, buildIR, closed, get, rawSocket, rule, startBackend, startDataPlane, to } from './helpers.ts';

describe('graceful close', () => {
  it('finishes in-flight requests, closes idle connections, refuses new ones', async () => {
    const be = await startBackend((req, res) => setTimeout(() => res.end(`done ${req.url}`), req.url === '/slow' ? 300 : 0));
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')] }) }], [backend('b', [be.port])]));
    try {
      const idle = await rawSocket(dp.port);
      idle.write('GET /quick HTTP/1.1\r\nHost: a\r\n\r\n');
      await idle.waitFor('done /quick');
      const busy = await rawSocket(dp.port);
      busy.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
      while (!be.seen.some((r) => r.url === '/slow')) await new Promise((resolve) => setTimeout(resolve, 5));

      const started = Date.now();
      const closing = dp.dataPlane.close({ drainTimeoutMs: 5000 });
      await closed(idle);
      assert.ok(Date.now() - started < 250, 'the idle connection closed at once');
      await assert.rejects(get(dp.port, '/new'), 'no new connections');
      await busy.waitFor('done /slow');
      assert.match(busy.received(), /connection: close\r\n/);
      await closing;
      assert.deepEqual(dp.dataPlane.listening(), []);
    } finally {
      await be.close();
    }
  });

  it('cuts off requests still running at the drain deadline', async () => {
    const be = await startBackend((_req, res) => void setTimeout(() => res.end('too late'), 5000).unref());
    const dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('r', { backends: [to('b')] }) }], [backend('b', [be.port])]));
    try {
      const busy = await rawSocket(dp.port);
      busy.write('GET /forever HTTP/1.1\r\nHost: a\r\n\r\n');
      while (be.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const started = Date.now();
      await dp.dataPlane.close({ drainTimeoutMs: 200 });
      assert.ok(Date.now() - started < 2000);
      await closed(busy);
      assert.equal(busy.received(), '');
    } finally {
      await be.close();
    }
  });
});
