// Malformed and hostile requests, sent as raw bytes: each is refused with the
// right status and the connection closed, and none reaches the backend (no
// request smuggling). Ends with a bounded fuzz run of random bytes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, get, rawExchange, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('bad traffic', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res) => res.end(`backend saw ${req.method} ${req.url}`));
    dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('all', { backends: [to('b')] }) }], [backend('b', [be.port])]), {
      limits: { maxHeaderBytes: 4096 },
    });
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  const cases: Array<{ name: string; bytes: string; status: number }> = [
    { name: 'two different Content-Length headers', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab' },
    { name: 'the same Content-Length twice', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc' },
    { name: 'a Content-Length list', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc' },
    { name: 'a negative Content-Length', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n' },
    { name: 'Transfer-Encoding with Content-Length (CL.TE)', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG' },
    { name: 'Transfer-Encoding with Content-Length (TE.CL)', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n' },
    { name: 'Transfer-Encoding twice', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' },
    { name: 'an obfuscated Transfer-Encoding', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n' },
    { name: 'a transfer coding other than chunked', status: 501, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n' },
    { name: 'chunked not last', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n' },
    { name: 'an invalid chunk size', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n' },
    { name: 'chunk data longer than its size', status: 400, bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n' },
    { name: 'a bare LF line ending', status: 400, bytes: 'GET / HTTP/1.1\nHost: a\n\n' },
    { name: 'a bare CR in a header value', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n' },
    { name: 'obs-fold continuation lines', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n' },
    { name: 'a NUL in a header value', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n' },
    { name: 'a space in the header name', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n' },
    { name: 'an unknown method', status: 400, bytes: 'BREW / HTTP/1.1\r\nHost: a\r\n\r\n' },
    { name: 'garbage instead of a request line', status: 400, bytes: '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03' },
    { name: 'HTTP/1.1 without Host', status: 400, bytes: 'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n' },
    { name: 'two Host headers', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' },
    { name: 'an invalid Host', status: 400, bytes: 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n' },
    { name: 'an absolute-form target with userinfo', status: 400, bytes: 'GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n' },
    { name: 'a target that is not a path', status: 400, bytes: 'GET index.html HTTP/1.1\r\nHost: a\r\n\r\n' },
    { name: 'a NUL in the path', status: 400, bytes: 'GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n' },
    { name: 'CONNECT (authority-form)', status: 405, bytes: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n' },
    { name: 'HTTP/2.0 in a request line', status: 505, bytes: 'GET / HTTP/2.0\r\nHost: a\r\n\r\n' },
    { name: 'a header block over the limit', status: 431, bytes: `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n` },
  ];

  for (const { name, bytes, status } of cases) {
    it(`refuses ${name} with ${status} and closes`, async () => {
      const before = be.seen.length;
      const { text, closed } = await rawExchange(dp.port, bytes);
      assert.deepEqual(statusLines(text), [status], text);
      assert.match(text, /\r\nconnection: close\r\n/);
      assert.equal(closed, true, 'connection closed');
      assert.equal(be.seen.length, before, 'nothing reached the backend');
    });
  }

  it('refuses a request smuggled after a valid one on the same connection', async () => {
    const before = be.seen.length;
    const { text } = await rawExchange(dp.port,
      'GET /first HTTP/1.1\r\nHost: a\r\n\r\nPOST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.deepEqual(statusLines(text), [200, 400]);
    assert.deepEqual(be.seen.slice(before).map((r) => r.url), ['/first']);
  });

  it('closes an HTTP/2 prior-knowledge connection without answering', async () => {
    const { text, closed } = await rawExchange(dp.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.equal(closed, true);
    assert.equal(text, '');
  });

  it('takes an absolute-form target: its authority is the host, the backend gets origin form', async () => {
    const { text } = await rawExchange(dp.port, 'GET http://Example.COM:8080/p?q=1 HTTP/1.1\r\nHost: ignored.example\r\nConnection: close\r\n\r\n');
    assert.deepEqual(statusLines(text), [200]);
    const seen = be.seen.at(-1);
    assert.equal(seen?.url, '/p?q=1');
    assert.equal(seen?.headers.host, 'Example.COM:8080');
  });

  it('serves HTTP/1.0 requests without Host', async () => {
    const { text, closed } = await rawExchange(dp.port, 'GET /old HTTP/1.0\r\n\r\n');
    assert.deepEqual(statusLines(text), [200]);
    assert.match(text, /backend saw GET \/old$/);
    assert.equal(closed, true);
  });

  it('never throws on random bytes (bounded fuzz) and keeps serving', async () => {
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const fragments = ['GET ', 'POST ', '/', ' HTTP/1.1', '\r\n', 'Host: a', 'Content-Length: ', '5', 'Transfer-Encoding: chunked', ':', '0\r\n\r\n', '\n', ' ', '\x00', '\xff', 'Connection: upgrade', 'Upgrade: x', 'Expect: 100-continue'];
    const runs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 120; i++) {
      const parts: string[] = [];
      const count = 1 + Math.floor(random() * 12);
      for (let j = 0; j < count; j++) {
        if (random() < 0.5) parts.push(fragments[Math.floor(random() * fragments.length)] as string);
        else parts.push(String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256))));
      }
      runs.push(rawExchange(dp.port, Buffer.from(parts.join(''), 'latin1'), { timeoutMs: 300, endAfterWrite: random() < 0.5 }));
      if (runs.length >= 20) await Promise.all(runs.splice(0));
    }
    await Promise.all(runs);
    const response = await get(dp.port, '/still-alive');
    assert.equal(response.status, 200);
  });
});
