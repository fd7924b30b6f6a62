// HTTP/1.1 client-side behaviour with real sockets: keep-alive, pipelining in
// order, HTTP/1.0, bodies that must not be sent (HEAD/204/304), chunked and
// Content-Length bodies both ways, close-delimited backends, Expect:
// 100-continue and trailers.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, closed, rawExchange, rawSocket, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('HTTP/1.1 protocol handling', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;
  let closeDelimited: ReturnType<typeof createServer>;

  before(async () => {
    be = await startBackend((req, res, body) => {
      const url = req.url ?? '/';
      if (url.startsWith('/status/')) {
        const status = Number(url.slice(8));
        res.writeHead(status, status === 204 ? { etag: '"v1"' } : { 'content-length': '5', etag: '"v1"' });
        res.end(status === 204 || status === 304 ? undefined : 'hello');
        return;
      }
      if (url === '/chunked') {
        res.setHeader('trailer', 'x-checksum');
        res.write('part1-');
        setTimeout(() => {
          res.addTrailers({ 'x-checksum': 'abc' });
          res.end('part2');
        }, 20);
        return;
      }
      if (url.startsWith('/delay/')) {
        setTimeout(() => res.end(`done ${url}`), Number(url.slice(7)));
        return;
      }
      res.setHeader('x-body-length', String(body.length));
      res.setHeader('x-body-te', req.headers['transfer-encoding'] ?? '');
      res.end(`${req.method} ${url} ${body.toString()}`);
    });
    // A backend that frames its body by closing the connection.
    closeDelimited = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'));
    });
    closeDelimited.listen(0, '127.0.0.1');
    await once(closeDelimited, 'listening');
    const closePort = (closeDelimited.address() as AddressInfo).port;
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/eof' }, rule: rule('eof', { backends: [to('eof')] }) },
      { rule: rule('all', { backends: [to('b')] }) },
    ], [backend('b', [be.port]), backend('eof', [closePort])]));
  });
  after(async () => {
    await dp.close();
    await be.close();
    closeDelimited.close();
  });

  it('keeps a connection alive across requests', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('GET /one HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('GET /one');
    socket.write('GET /two HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('GET /two');
    assert.deepEqual(statusLines(socket.received()), [200, 200]);
    assert.doesNotMatch(socket.received(), /connection: close/i);
    socket.destroy();
  });

  it('answers pipelined requests one at a time, in order, even when the first is the slowest', async () => {
    const { text } = await rawExchange(dp.port,
      'GET /delay/80 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' +
      'GET /delay/1 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.deepEqual(statusLines(text), [200, 200, 200, 200]);
    const order = [...text.matchAll(/(done \/delay\/\d+|POST \/p abc|GET \/last)/g)].map((m) => m[1]);
    assert.deepEqual(order, ['done /delay/80', 'POST /p abc', 'done /delay/1', 'GET /last']);
  });

  it('answers every pipelined request when the client half-closes after sending them', async () => {
    const { text, closed } = await rawExchange(dp.port,
      'GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n', { endAfterWrite: true });
    assert.deepEqual(statusLines(text), [200, 200]);
    assert.equal(closed, true);
  });

  it('serves HTTP/1.0: closes by default, keeps alive when asked, never uses chunked', async () => {
    const plain = await rawExchange(dp.port, 'GET /x HTTP/1.0\r\nHost: a\r\n\r\n');
    assert.equal(plain.closed, true);
    assert.match(plain.text, /^HTTP\/1\.1 200 OK\r\n/);

    const socket = await rawSocket(dp.port);
    socket.write('GET /ka HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n');
    await socket.waitFor('GET /ka');
    assert.match(socket.received(), /\r\nconnection: keep-alive\r\n/);
    socket.write('GET /chunked HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n');
    await socket.waitFor('part2');
    const second = socket.received().slice(socket.received().lastIndexOf('HTTP/1.1'));
    assert.doesNotMatch(second, /transfer-encoding/i);
    assert.match(second, /\r\nconnection: close\r\n/);
    await closed(socket);
  });

  it('sends no body for HEAD, 204 and 304, and keeps the connection usable', async () => {
    const { text } = await rawExchange(dp.port,
      'HEAD /status/200 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /status/304 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /end HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.deepEqual(statusLines(text), [200, 204, 304, 200]);
    const responses = text.split(/(?=HTTP\/1\.1 )/);
    assert.match(responses[0] as string, /content-length: 5\r\n\r\n$/);
    assert.doesNotMatch(responses[1] as string, /content-length|transfer-encoding/i);
    assert.match(responses[1] as string, /\r\n\r\n$/);
    assert.match(responses[2] as string, /\r\n\r\n$/);
    assert.match(responses[3] as string, /GET \/end $/);
  });

  it('streams a chunked request body to the backend, re-framed as chunked', async () => {
    const { text } = await rawExchange(dp.port,
      'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n');
    assert.deepEqual(statusLines(text), [200]);
    assert.match(text, /x-body-length: 11\r\n/);
    assert.match(text, /x-body-te: chunked\r\n/);
    assert.match(text, /POST \/up hello world$/);
  });

  it('passes a chunked response through with its trailers', async () => {
    const { text } = await rawExchange(dp.port, 'GET /chunked HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nConnection: close\r\n\r\n');
    assert.match(text, /transfer-encoding: chunked\r\n/);
    assert.match(text, /\r\n6\r\npart1-\r\n/);
    assert.match(text, /\r\n0\r\nx-checksum: abc\r\n\r\n$/i);
  });

  it('turns a close-delimited backend body into chunked for HTTP/1.1 clients', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('GET /eof HTTP/1.1\r\nHost: a\r\n\r\n');
    await socket.waitFor('0\r\n\r\n');
    assert.match(socket.received(), /transfer-encoding: chunked\r\n/);
    assert.match(socket.received(), /\r\nd\r\nuntil the end\r\n0\r\n\r\n$/);
    socket.write('GET /again HTTP/1.1\r\nHost: a\r\n\r\n'); // the client connection is still good
    await socket.waitFor('GET /again');
    socket.destroy();
  });

  it('answers Expect: 100-continue before the body, then forwards the body', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('POST /expect HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
    await socket.waitFor('HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('data');
    await socket.waitFor('POST /expect data');
    assert.deepEqual(statusLines(socket.received()), [100, 200]);
    assert.doesNotMatch(socket.received(), /expect: /i);
    socket.destroy();
  });

  it('refuses without 100 Continue when the request goes nowhere, and closes', async () => {
    const dp404 = await startDataPlane((port) => buildIR(port, [{ path: { type: 'Exact', value: '/only' }, rule: rule('only', { backends: [to('b')] }) }], [backend('b', [be.port])]));
    try {
      const { text, closed } = await rawExchange(dp404.port, 'POST /elsewhere HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n');
      assert.deepEqual(statusLines(text), [404]);
      assert.match(text, /connection: close/);
      assert.equal(closed, true);
    } finally {
      await dp404.close();
    }
  });

  it('passes on a backend\'s early answer to an upload, dropping the rest of a small body, closing for a big one', async () => {
    // Answers 413 as soon as the head arrives, without reading the body.
    const early = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big!'));
    });
    early.listen(0, '127.0.0.1');
    await once(early, 'listening');
    const dpEarly = await startDataPlane((port) => buildIR(port, [{ rule: rule('up', { backends: [to('e')] }) }], [backend('e', [(early.address() as AddressInfo).port])]), {
      limits: { discardBodyBytes: 64 * 1024 },
    });
    try {
      const small = await rawSocket(dpEarly.port);
      small.write('POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n');
      await small.waitFor('too big!');
      small.write('x'.repeat(20_000));
      small.write('POST /again HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz');
      await small.waitFor(/too big![\s\S]*too big!/);
      assert.deepEqual(statusLines(small.received()), [413, 413], 'the connection carried on after the dropped body');
      small.destroy();

      const big = await rawSocket(dpEarly.port);
      big.write('POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n');
      await big.waitFor('too big!');
      big.write(Buffer.alloc(1024 * 1024, 'x'));
      await closed(big);
      assert.deepEqual(statusLines(big.received()), [413]);
    } finally {
      await dpEarly.close();
      early.close();
    }
  });

  it('reads and drops the body of a request it answers itself, keeping the connection', async () => {
    const dp404 = await startDataPlane((port) => buildIR(port, [{ path: { type: 'Exact', value: '/only' }, rule: rule('only', { backends: [to('b')] }) }], [backend('b', [be.port])]));
    try {
      const { text } = await rawExchange(dp404.port,
        'POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789' +
        'GET /only HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      assert.deepEqual(statusLines(text), [404, 200]);
    } finally {
      await dp404.close();
    }
  });
});
