// Before a proxy is measured it must route like the others: the first, middle
// and last route answer 200 with the backend's body, and a request for another
// host gets 404. A proxy that does not is reported, never measured.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { request as requestTls } from 'node:https';
import type { RouteTable } from './routes.ts';
import { sleep } from './system.ts';

/** How the check talks to the proxy: plain HTTP/1.1, HTTP/1.1 over TLS, or HTTP/2 over TLS (ALPN h2 only). */
export type Wire = 'http' | 'https' | 'h2';

interface Answer {
  status: number;
  body: Buffer;
}

function get1(wire: 'http' | 'https', port: number, host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 2_000 };
    // The bench's certificate is made at run time: nothing to verify it against.
    const req = wire === 'https' ? requestTls({ ...options, servername: host, rejectUnauthorized: false }, onResponse) : request(options, onResponse);
    function onResponse(res: IncomingMessage): void {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function get2(port: number, host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // ALPN offers only h2: a proxy without HTTP/2 fails the handshake here.
    const session = connectHttp2(`https://127.0.0.1:${port}`, { servername: host, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const fail = (error: Error): void => {
      session.destroy();
      reject(error);
    };
    session.on('error', fail);
    session.setTimeout(2_000, () => fail(new Error(`GET ${path} over HTTP/2 timed out`)));
    const stream = session.request({ ':method': 'GET', ':path': path, ':authority': host });
    let status = 0;
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, body: Buffer.concat(chunks) });
    });
    stream.on('error', fail);
    stream.end();
  });
}

function get(wire: Wire, port: number, host: string, path: string): Promise<Answer> {
  return wire === 'h2' ? get2(port, host, path) : get1(wire, port, host, path);
}

/** Throws with what went wrong when the proxy does not route as expected. */
export async function checkRouting(port: number, routes: RouteTable, backendBody: Buffer, wire: Wire = 'http'): Promise<void> {
  const paths = routes.requestPaths;
  const sample = [...new Set([paths[0], paths[Math.floor(paths.length / 2)], paths[paths.length - 1]])].filter((path) => path !== undefined);
  for (const path of sample) {
    const answer = await get(wire, port, routes.hostname, path);
    if (answer.status !== 200 || !answer.body.equals(backendBody)) {
      throw new Error(`GET ${routes.hostname}${path} answered ${answer.status} with ${answer.body.length} bytes, expected 200 with the backend's ${backendBody.length}`);
    }
  }
  const elsewhere = await get(wire, port, `not-${routes.hostname}`, paths[0] ?? '/');
  if (elsewhere.status !== 404) throw new Error(`a request for another host answered ${elsewhere.status}, expected 404`);
}

/** Retries checkRouting until it passes or the deadline passes (a proxy may open its port before loading routes). */
export async function waitForRouting(port: number, routes: RouteTable, backendBody: Buffer, deadlineMs: number, wire: Wire = 'http'): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      await checkRouting(port, routes, backendBody, wire);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(100);
    }
  }
}
