// HTTP/2 requests refused before routing reach the access log and the RED
// metrics (onRequestComplete) as HTTP/1.1 refusals do: a status, a code, no
// route. A header list over the limit is 431; streams nghttp2 resets by
// itself (here a malformed header block) are 400 stream_refused, found by the
// gap they leave in the client's stream ids, whether another stream follows
// or the connection just closes; a connection error the client caused is
// 400 protocol_error; rapid reset is one 429 rapid_reset.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import type { RequestLogInfo } from '../../src/dataplane/proxy/handler.ts';
import { backend, buildIR, rawExchange, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

/** An HPACK literal field without indexing (short names and values, no Huffman). */
function field(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'), Buffer.from([value.length]), Buffer.from(value, 'latin1')]);
}

/** A HEADERS frame with END_HEADERS and END_STREAM. */
function headersFrame(streamId: number, fields: Buffer[]): Buffer {
  const block = Buffer.concat(fields);
  const frame = Buffer.alloc(9);
  frame.writeUIntBE(block.length, 0, 3);
  frame[3] = 0x1;
  frame[4] = 0x5;
  frame.writeUInt32BE(streamId, 5);
  return Buffer.concat([frame, block]);
}

const request = (path: string, extra: Buffer[] = []): Buffer[] => [field(':method', 'GET'), field(':scheme', 'http'), field(':path', path), field(':authority', 'a.example'), ...extra];

describe('HTTP/2 refusals in the request log', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;
  const records: RequestLogInfo[] = [];
  const refusals = (): Array<[number, string | undefined]> => records.filter((r) => r.rule === undefined).map((r) => [r.status, r.error]);

  before(async () => {
    be = await startBackend((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow'), 300);
      else res.end('ok');
    });
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/' }, rule: rule('all', { backends: [to('be')] }) },
    ], [backend('be', [be.port])]), {
      http2: new Http2FrontEnd({ maxResetsPerWindow: 10 }),
      limits: { maxHeaderBytes: 8 * 1024 },
      onRequestComplete: (info) => records.push(info),
    });
  });
  beforeEach(() => {
    records.length = 0;
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('logs a header list over the limit as 431 header_too_large, with the port', async () => {
    const session = await h2Session(dp.port);
    try {
      assert.equal((await h2Request(session, { ':path': '/big', 'x-big': 'v'.repeat(16 * 1024) })).status, 431);
      assert.deepEqual(refusals(), [[431, 'header_too_large']]);
      assert.equal(records[0]?.port, dp.port);
    } finally {
      session.destroy();
    }
  });

  it('logs a malformed stream nghttp2 reset as 400 stream_refused, when a later stream shows the gap', async () => {
    const socket = connect(dp.port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    // Stream 1: an uppercase field name (RFC 9113 §8.2.1: malformed); stream 3: a good request.
    socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS, headersFrame(1, request('/bad', [field('X-Upper', '1')])), headersFrame(3, request('/good'))]));
    for (let i = 0; i < 200 && !records.some((r) => r.rule !== undefined); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(refusals(), [[400, 'stream_refused']]);
    assert.equal(records.filter((r) => r.status === 200).length, 1, 'the good stream was served');
    socket.destroy();
  });

  it('counts refused streams at the end of a connection too', async () => {
    const socket = connect(dp.port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.on('data', () => {});
    socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS, headersFrame(1, request('/bad', [field(':unknown', '1')])), headersFrame(3, request('/bad2', [field('connection', 'close')]))]));
    // Wait for the two RST_STREAMs to be written before hanging up.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.end();
    for (let i = 0; i < 200 && records.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(refusals(), [[400, 'stream_refused'], [400, 'stream_refused']]);
    socket.destroy();
  });

  it('does not turn a jump in stream ids into a flood of lines', async () => {
    const socket = connect(dp.port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.on('data', () => {});
    // Allowed by RFC 9113 §5.1.1 (the ids in between are closed): 2^30 of them, if each were a line.
    socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS, headersFrame(2 ** 31 - 1, request('/far'))]));
    for (let i = 0; i < 200 && !records.some((r) => r.rule !== undefined); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(records.filter((r) => r.status === 200).length, 1, 'the stream was served');
    assert.ok(refusals().length <= 200, `${refusals().length} lines`);
    socket.destroy();
  });

  it('logs a connection the client broke (a malformed frame) as 400 protocol_error', async () => {
    // A SETTINGS frame whose length is not a multiple of 6: FRAME_SIZE_ERROR for the connection.
    const badSettings = Buffer.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
    const { closed } = await rawExchange(dp.port, [PREFACE, badSettings], { timeoutMs: 3000 });
    assert.equal(closed, true);
    for (let i = 0; i < 100 && records.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(refusals(), [[400, 'protocol_error']]);
  });

  it('logs rapid reset once as 429 rapid_reset', async () => {
    const session = await h2Session(dp.port);
    const closed = new Promise((resolve) => session.once('close', resolve));
    for (let i = 0; i < 50 && !session.closed && !session.destroyed; i++) {
      const stream = session.request({ ':path': `/slow?${i}`, ':authority': 'example.com' });
      stream.on('error', () => {});
      stream.close(constants.NGHTTP2_CANCEL);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closed;
    assert.deepEqual(refusals().filter(([, code]) => code === 'rapid_reset'), [[429, 'rapid_reset']]);
  });
});
