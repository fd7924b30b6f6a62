import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTINUE, SKIP_BODY, UPGRADE } from '../http1/parser.ts';
import type { MessageHead } from '../http1/parser.ts';
import { ResponseReader } from './response-reader.ts';
import type { ReadResult } from './response-reader.ts';

/** Reads `reads` in order and records what the reader reports, as a connection would see it. */
function run(reads: string[], options: { headRequest?: boolean } = {}) {
  const events: string[] = [];
  const chunks: Buffer[] = [];
  const reader = new ResponseReader({
    onHead: (head: MessageHead) => {
      events.push(`head ${head.status}`);
      if (head.status === 101) return UPGRADE;
      return options.headRequest === true || head.status < 200 || head.status === 304 ? SKIP_BODY : CONTINUE;
    },
    onBody: (chunk) => {
      chunks.push(chunk);
      events.push(`body ${chunk.toString('latin1')}`);
    },
    onMessageComplete: (trailers) => events.push(trailers.length === 0 ? 'end' : `end ${trailers.join(':')}`),
  }, 16 * 1024);
  const results: ReadResult[] = [];
  const data = reads.map((read) => Buffer.from(read, 'latin1'));
  for (const read of data) results.push(reader.read(read));
  return { events, chunks, results, data, finish: () => reader.finish(), release: () => reader.release() };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';

describe('ResponseReader', () => {
  const cases: Array<{ name: string; reads: string[]; events: string[]; headRequest?: boolean }> = [
    { name: 'a head and a Content-Length body in one read', reads: [OK], events: ['head 200', 'body hello', 'end'] },
    { name: 'a body over several reads', reads: ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe', 'l', 'lo'], events: ['head 200', 'body he', 'body l', 'body lo', 'end'] },
    { name: 'a head split over reads (llhttp frames the body)', reads: ['HTTP/1.1 200 OK\r\nConte', 'nt-Length: 5\r\n\r\nhello'], events: ['head 200', 'body hello', 'end'] },
    { name: 'a 100 Continue and the response in one read', reads: [`HTTP/1.1 100 Continue\r\n\r\n${OK}`], events: ['head 100', 'end', 'head 200', 'body hello', 'end'] },
    { name: 'a chunked body with trailers', reads: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 1\r\n\r\n'], events: ['head 200', 'body hi', 'end X-Sum:1'] },
    { name: 'a 204 with a Content-Length has no body', reads: ['HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n'], events: ['head 204', 'end'] },
    { name: 'a HEAD answer has no body', reads: ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'], events: ['head 200', 'end'], headRequest: true },
    { name: 'an empty body', reads: ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'], events: ['head 200', 'end'] },
  ];
  for (const { name, reads, events, headRequest } of cases) {
    it(name, () => {
      const result = run(reads, { headRequest });
      assert.deepEqual(result.events, events);
      assert.ok(result.results.every((r) => r.kind === 'ok'));
      result.release();
    });
  }

  it('gives a Content-Length body as views of the read, not copies', () => {
    const { chunks, data, release } = run([OK]);
    assert.equal(chunks[0]?.buffer, data[0]?.buffer);
    release();
  });

  it('reports the same events for every split of the bytes into two reads', () => {
    const bytes = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: 1\r\n\r\nhello world`;
    const whole = run([bytes]);
    const body = (events: string[]): string => events.filter((e) => e.startsWith('body ')).map((e) => e.slice(5)).join('');
    for (let split = 1; split < bytes.length; split++) {
      const parts = run([bytes.slice(0, split), bytes.slice(split)]);
      assert.deepEqual(parts.events.filter((e) => !e.startsWith('body ')), whole.events.filter((e) => !e.startsWith('body ')), `split at ${split}`);
      assert.equal(body(parts.events), 'hello world', `split at ${split}`);
      parts.release();
    }
    whole.release();
  });

  it('stops after a 101 head: the rest of the read is the tunnel\'s', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n';
    const { results, events, release } = run([`${head}tunnel bytes`]);
    assert.deepEqual(results, [{ kind: 'upgrade', at: head.length }]);
    assert.deepEqual(events, ['head 101', 'end']); // llhttp ends the message with the head (the connection ignores it)
    release();
  });

  it('reports a body cut short by the end of the connection, and completes a close-delimited one', () => {
    const truncated = run(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort']);
    assert.notEqual(truncated.finish(), undefined);
    truncated.release();
    const closeDelimited = run(['HTTP/1.1 200 OK\r\n\r\nall', ' of it']);
    assert.equal(closeDelimited.finish(), undefined);
    assert.deepEqual(closeDelimited.events, ['head 200', 'body all', 'body  of it', 'end']);
    closeDelimited.release();
  });

  it('reports invalid responses with llhttp codes', () => {
    const { results, release } = run(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab']);
    assert.equal(results[0]?.kind, 'error');
    release();
  });
});
