// llhttp reads client sockets directly (no stream layer): the deadlines and
// limits that used to be checked as chunks arrived must hold for heads and
// pipelined requests that arrive in any split of reads.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, closed, rawSocket, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('direct socket reads', () => {
  let be: TestBackend;
  let headDeadline: RunningDataPlane;
  let idleDeadline: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res) => res.end(`got ${req.url ?? ''}`));
    const ir = (port: number) => buildIR(port, [{ rule: rule('all', { backends: [to('b')] }) }], [backend('b', [be.port])]);
    // A short header timeout under a long idle timeout, and the other way round, so each test sees which one applied.
    headDeadline = await startDataPlane(ir, { limits: { headerTimeoutMs: 300, idleTimeoutMs: 20_000, maxHeaderBytes: 2048 } });
    idleDeadline = await startDataPlane(ir, { limits: { headerTimeoutMs: 20_000, idleTimeoutMs: 300, bodyIdleTimeoutMs: 20_000 } });
  });
  after(async () => {
    await headDeadline.close();
    await idleDeadline.close();
    await be.close();
  });

  it('times a head that starts on a kept-alive connection and stalls by the header timeout (408), not the idle one', async () => {
    const socket = await rawSocket(headDeadline.port);
    socket.write('GET /first HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('got /first');
    await sleep(50);
    const started = Date.now();
    socket.write('GET /second HTTP/1.1\r\nHo');
    await closed(socket);
    assert.deepEqual(statusLines(socket.received()), [200, 408]);
    assert.ok(Date.now() - started < 10_000, 'cut off by the header timeout');
  });

  it('refuses a head over the limit that arrives a few bytes per read (431)', async () => {
    const socket = await rawSocket(headDeadline.port);
    socket.write('GET / HTTP/1.1\r\nHost: a\r\nX-Big: ');
    for (let i = 0; i < 30 && !socket.destroyed; i++) {
      socket.write('a'.repeat(100));
      await sleep(5);
    }
    socket.write('\r\n\r\n');
    await closed(socket);
    assert.deepEqual(statusLines(socket.received()), [431]);
  });

  it('completes requests pipelined in one read, then lets the connection go idle', async () => {
    const socket = await rawSocket(idleDeadline.port);
    socket.write('GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('got /b');
    const idleStart = Date.now();
    // The second request is complete although nothing followed it: the idle
    // timeout closes the connection (a request still open would wait for the body timeout).
    await closed(socket);
    assert.ok(Date.now() - idleStart < 10_000, 'closed by the idle timeout');
    assert.deepEqual(statusLines(socket.received()), [200, 200]);
  });

  it('serves a request whose head arrives one byte per read', async () => {
    const socket = await rawSocket(idleDeadline.port);
    for (const byte of 'GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n') {
      socket.write(byte);
      await sleep(1);
    }
    await closed(socket);
    assert.deepEqual(statusLines(socket.received()), [200]);
    assert.match(socket.received(), /got \/slow$/);
  });
});
