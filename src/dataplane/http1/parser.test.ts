import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { CONTINUE, Http1Parser, PAUSE, SKIP_BODY } from './parser.ts';
import type { ExecuteResult, MessageHead } from './parser.ts';

function recorder(onHead: (head: MessageHead) => number = () => CONTINUE) {
  const events: Array<[string, unknown]> = [];
  return {
    events,
    handler: {
      onHead: (head: MessageHead) => {
        events.push(['head', head]);
        return onHead(head);
      },
      onBody: (chunk: Buffer) => events.push(['body', chunk.toString()]),
      onMessageComplete: (trailers: string[]) => events.push(['end', trailers]),
    },
  };
}

describe('Http1Parser', () => {
  it('assembles a head split byte by byte, with more headers than llhttp passes at once', () => {
    const { events, handler } = recorder();
    const parser = new Http1Parser('request', handler, 0);
    const names = Array.from({ length: 40 }, (_, i) => `X-H${i}: v${i}\r\n`).join('');
    const raw = Buffer.from(`PUT /a/long/path?q=1 HTTP/1.1\r\nHost: a\r\n${names}Content-Length: 2\r\n\r\nok`);
    for (let i = 0; i < raw.length; i++) assert.equal(parser.execute(raw.subarray(i, i + 1)).kind, 'ok');
    const head = events[0]?.[1] as MessageHead;
    assert.equal(head.method, 'PUT');
    assert.equal(head.target, '/a/long/path?q=1');
    assert.equal(head.headers.length, 2 * 42);
    assert.deepEqual(head.headers.slice(0, 4), ['Host', 'a', 'X-H0', 'v0']);
    assert.deepEqual(head.headers.slice(-2), ['Content-Length', '2']);
    assert.deepEqual(events.slice(1).map(([kind]) => kind), ['body', 'body', 'end']);
    parser.release();
  });

  it('passes trailers with the end of a chunked message', () => {
    const { events, handler } = recorder();
    const parser = new Http1Parser('response', handler, 0);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 1\r\n\r\n'));
    assert.deepEqual(events.at(-1), ['end', ['X-Sum', '1']]);
    assert.equal((events[0]?.[1] as MessageHead).status, 200);
  });

  it('stops after a head when told to, and goes on from there when resumed', () => {
    const { events, handler } = recorder(() => PAUSE);
    const parser = new Http1Parser('request', handler, 0);
    const raw = Buffer.from('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const first = parser.execute(raw);
    assert.equal(first.kind, 'paused');
    const consumed = first.kind === 'paused' ? first.consumed : 0;
    assert.equal(consumed, 28, "up to the end of the first head");
    parser.resume();
    assert.equal(parser.execute(raw.subarray(consumed)).kind, 'paused');
    assert.deepEqual(events.map(([kind, value]) => (kind === 'head' ? (value as MessageHead).target : kind)), ['/1', 'end', '/2']);
  });

  it('skips the body of a response when told to (HEAD, 304)', () => {
    const { events, handler } = recorder(() => SKIP_BODY);
    const parser = new Http1Parser('response', handler, 0);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n'));
    assert.deepEqual(events.map(([kind]) => kind), ['head', 'end', 'head', 'end']);
  });

  it('reports strict-mode errors with llhttp codes', () => {
    const parser = new Http1Parser('request', recorder().handler, 64);
    const result = parser.execute(Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(100)}\r\n\r\n`));
    assert.equal(result.kind === 'error' ? result.error.code : result.kind, 'HPE_HEADER_OVERFLOW');
  });

  it('completes a close-delimited response at finish, and reports a truncated one', () => {
    const complete = recorder();
    const parser = new Http1Parser('response', complete.handler, 0);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n\r\nall of it'));
    assert.equal(parser.finish(), undefined);
    assert.deepEqual(complete.events.map(([kind]) => kind), ['head', 'body', 'end']);

    const truncated = new Http1Parser('response', recorder().handler, 0);
    truncated.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'));
    assert.notEqual(truncated.finish(), undefined);
  });

  it('reads a socket itself, reports each read, and hands back what follows a pause', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const client = connect(port, '127.0.0.1');
    const [accepted] = (await once(server, 'connection')) as [Socket];
    const { events, handler } = recorder((head) => (head.target === '/2' ? PAUSE : CONTINUE));
    const parser = new Http1Parser('request', handler, 0);
    const reads: Array<{ result: ExecuteResult; rest: string }> = [];
    const read = new Promise<void>((resolve) => {
      assert.equal(parser.consume(accepted, (result) => {
        const consumed = result.kind === 'error' ? 0 : result.consumed;
        reads.push({ result, rest: parser.currentRead().subarray(consumed).toString() });
        resolve();
      }), true);
    });
    client.write('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3');
    await read;
    assert.deepEqual(events.map(([kind, value]) => (kind === 'head' ? (value as MessageHead).target : kind)), ['/1', 'end', '/2']);
    assert.equal(reads[0]?.result.kind, 'paused');
    assert.equal(reads[0]?.rest, 'GET /3');
    parser.release();
    client.destroy();
    accepted.destroy();
    server.close();
  });

  it('gives a parser back for reuse, reset: nothing of its last connection reaches the next', () => {
    const first = recorder();
    const parser = Http1Parser.acquire('request', first.handler, 0);
    parser.execute(Buffer.from('GET /half-way HTTP/1.1\r\nHost: a\r\nX-Left: ov'));
    parser.release();
    const second = recorder();
    const reused = Http1Parser.acquire('request', second.handler, 0);
    assert.equal(reused, parser, 'the kept parser is handed out again');
    assert.equal(reused.execute(Buffer.from('GET /next HTTP/1.1\r\nHost: b\r\n\r\n')).kind, 'ok');
    assert.deepEqual(first.events, []);
    const head = second.events[0]?.[1] as MessageHead;
    assert.equal(head.target, '/next');
    assert.deepEqual(head.headers, ['Host', 'b']);
    reused.release();
  });
});
