// The h2c preface (RFC 9113 §3.4) arriving over many reads: a client whose
// 24 bytes come one TCP segment at a time is still served over HTTP/2, and
// one that stops part way is closed by the header timeout like any slow head.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectHttp2 } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, closed, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { h2Request } from './helpers.ts';

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/**
 * A socket for node:http2 that sends the first `slowBytes` bytes one per
 * write, with a pause after each so the proxy reads them one at a time; the
 * rest goes through unchanged.
 */
class SlowStartSocket extends Duplex {
  readonly #socket: Socket;
  #slowLeft: number;

  constructor(socket: Socket, slowBytes: number) {
    super();
    this.#socket = socket;
    this.#slowLeft = slowBytes;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    void this.#send(chunk).then(() => callback(), callback);
  }

  async #send(chunk: Buffer): Promise<void> {
    let at = 0;
    while (this.#slowLeft > 0 && at < chunk.length) {
      this.#socket.write(chunk.subarray(at, at + 1));
      at++;
      this.#slowLeft--;
      await sleep(5);
    }
    if (at < chunk.length) this.#socket.write(chunk.subarray(at));
  }

  override _final(callback: () => void): void {
    this.#socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }
}

describe('h2c preface over many reads', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((_req, res) => res.end('over h2'));
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('all', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), { http2: new Http2FrontEnd(), limits: { headerTimeoutMs: 400 } });
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  for (const slowBytes of [24, 10, 23]) {
    it(`serves a client whose first ${slowBytes} bytes arrive one per read`, async () => {
      const tcp = connectTcp({ host: '127.0.0.1', port: dp.port });
      await once(tcp, 'connect');
      const session: ClientHttp2Session = connectHttp2(`http://127.0.0.1:${dp.port}`, { createConnection: () => new SlowStartSocket(tcp, slowBytes) });
      session.on('error', () => {});
      try {
        const first = await h2Request(session, { ':path': '/one' });
        assert.equal(first.status, 200);
        assert.equal(first.body, 'over h2');
        const second = await h2Request(session, { ':path': '/two' });
        assert.equal(second.status, 200);
        assert.deepEqual(be.seen.slice(-2).map((seen) => seen.url), ['/one', '/two']);
      } finally {
        session.destroy();
        tcp.destroy();
      }
    });
  }

  it('closes a connection whose preface stops part way once the header timeout passes', async () => {
    const socket = connectTcp({ host: '127.0.0.1', port: dp.port });
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.resume();
    for (const byte of PREFACE.slice(0, 20)) {
      socket.write(byte);
      await sleep(5);
    }
    await closed(socket); // the header timeout (400 ms) ends it; the test runner's timeout bounds the wait
    assert.ok(socket.destroyed);
  });
});
