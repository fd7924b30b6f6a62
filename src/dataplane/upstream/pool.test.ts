import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { MessageHead } from '../http1/parser.ts';
import type { ResponseHandler, UpstreamConnection, UpstreamError } from './connection.ts';
import { EndpointPool } from './pool.ts';

/** Sends one GET on `connection` and collects the response; `onHead` runs inside the head callback. */
function exchange(connection: UpstreamConnection, path: string, onHead: () => void = () => {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let body = '';
    const handler: ResponseHandler = {
      onResponseHead: (head: MessageHead) => {
        status = head.status;
        onHead();
      },
      onResponseBody: (chunk) => (body += chunk.toString()),
      onResponseEnd: () => {
        connection.finish();
        resolve({ status, body });
      },
      onUpstreamError: (error: UpstreamError) => reject(error),
      onUpgrade: () => reject(new Error('unexpected upgrade')),
      onUpstreamDrain: () => {},
      onReadStart: () => {},
      onReadEnd: () => false,
    };
    connection.start(handler, 'GET', `GET ${path} HTTP/1.1\r\nhost: test\r\n\r\n`);
    connection.end(false);
  });
}

function connect(pool: EndpointPool): Promise<UpstreamConnection> {
  return new Promise((resolve, reject) => pool.connect((error, connection) => (error ? reject(error) : resolve(connection as UpstreamConnection))));
}

describe('EndpointPool', () => {
  const server = createServer((req, res) => res.end(`hello ${req.url}`));
  let port = 0;
  let now = 0;
  const settings = { connectTimeoutMs: 1000, idleTimeoutMs: 100, maxIdle: 2, maxHeaderBytes: 16384, now: () => now };

  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reuses a released connection, most recently used first', async () => {
    const pool = new EndpointPool('k', '127.0.0.1', port, settings);
    const first = await connect(pool);
    const second = await connect(pool);
    assert.deepEqual(await exchange(first, '/1'), { status: 200, body: 'hello /1' });
    assert.deepEqual(await exchange(second, '/2'), { status: 200, body: 'hello /2' });
    assert.equal(pool.acquire(), second);
    assert.equal(pool.acquire(), first);
    assert.equal(pool.acquire(), undefined);
    assert.equal(second.reused, true);
    pool.destroy();
  });

  it('hands back a connection ready to read even if it was paused when its response ended (regression)', async () => {
    const pool = new EndpointPool('k', '127.0.0.1', port, settings);
    const connection = await connect(pool);
    // A slow client pauses the backend connection as the response arrives.
    await exchange(connection, '/slow-client', () => connection.pause());
    const again = pool.acquire();
    assert.equal(again, connection);
    const response = await Promise.race([
      exchange(connection, '/next'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the reused connection never read its response')), 1000).unref()),
    ]);
    assert.deepEqual(response, { status: 200, body: 'hello /next' });
    pool.destroy();
  });

  it('keeps at most maxIdle idle connections and closes those idle too long', async () => {
    const pool = new EndpointPool('k', '127.0.0.1', port, settings);
    const connections = await Promise.all([connect(pool), connect(pool), connect(pool)]);
    for (const [i, connection] of connections.entries()) await exchange(connection, `/${i}`);
    assert.equal(pool.idleCount, 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pool.size, 2, 'the third was closed');
    now += 150;
    pool.sweep(now);
    assert.equal(pool.idleCount, 0);
    pool.destroy();
  });

  it('reports refused connections with a stable code', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const pool = new EndpointPool('k', '127.0.0.1', deadPort, settings);
    await assert.rejects(connect(pool), (error: Error & { code?: string; errno?: string }) => error.code === 'connect_refused' && error.errno === 'ECONNREFUSED');
  });
});
