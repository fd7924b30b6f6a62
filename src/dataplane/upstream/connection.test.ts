import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ResponseHandler, UpstreamConnection } from './connection.ts';
import { EndpointPool } from './pool.ts';

const CHUNK = 16 * 1024;

/** Body `seed`: chunks whose bytes differ per body and per chunk. */
function bodyOf(seed: number, chunks: number): Buffer {
  return Buffer.concat(Array.from({ length: chunks }, (_, i) => Buffer.alloc(CHUNK, (seed * 31 + i) % 251)));
}

/**
 * One exchange that keeps every body chunk it is given (views of the read
 * memory) and says at the end of each read whether the client still holds them.
 */
function keepChunks(connection: UpstreamConnection, path: string, held: boolean): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const handler: ResponseHandler = {
      onResponseHead: () => {},
      onResponseBody: (chunk) => chunks.push(chunk),
      onResponseEnd: () => {
        connection.finish();
        resolve(chunks);
      },
      onUpstreamError: reject,
      onUpgrade: () => reject(new Error('unexpected upgrade')),
      onUpstreamDrain: () => {},
      onReadStart: () => {},
      onReadEnd: () => held,
    };
    connection.start(handler, 'GET', `GET ${path} HTTP/1.1\r\nhost: test\r\n\r\n`);
    connection.end(false);
  });
}

describe('UpstreamConnection read memory', () => {
  const server = createServer((req, res) => {
    const [, seed, chunks] = /^\/(\d+)\/(\d+)$/.exec(req.url ?? '') ?? [];
    res.end(bodyOf(Number(seed), Number(chunks)));
  });
  let port = 0;
  const settings = { connectTimeoutMs: 1000, idleTimeoutMs: 1000, maxIdle: 4, maxHeaderBytes: 16384, now: () => 0 };

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function connect(pool: EndpointPool): Promise<UpstreamConnection> {
    return new Promise((resolve, reject) => pool.connect((error, connection) => (error ? reject(error) : resolve(connection as UpstreamConnection))));
  }

  it('never reads again into memory a client still holds, across reads, responses and connections', async () => {
    const pool = new EndpointPool('k', '127.0.0.1', port, settings);
    const [first, second] = await Promise.all([connect(pool), connect(pool)]);
    const kept: Array<{ chunks: Buffer[]; expected: Buffer }> = [];
    for (const [seed, chunks] of [[1, 40], [2, 1], [3, 40], [4, 2]] as const) {
      kept.push({ chunks: await keepChunks(seed % 2 === 1 ? first : second, `/${seed}/${chunks}`, true), expected: bodyOf(seed, chunks) });
    }
    // Later traffic on both connections, with read memory handed back this time.
    await Promise.all([keepChunks(first, '/5/40', false), keepChunks(second, '/6/40', false)]);
    for (const { chunks, expected } of kept) assert.ok(Buffer.concat(chunks).equals(expected), 'a held chunk was overwritten');
    pool.destroy();
  });

  it('hands a body over as views of its read memory, not copies', async () => {
    const pool = new EndpointPool('k', '127.0.0.1', port, settings);
    const connection = await connect(pool);
    const chunks = await keepChunks(connection, '/7/1', false);
    assert.ok(chunks.every((chunk) => chunk.byteOffset > 0 || chunk.buffer.byteLength > chunk.length), 'views into a larger read buffer');
    pool.destroy();
  });
});
