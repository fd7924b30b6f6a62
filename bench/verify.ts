// Before a proxy is measured it must route like the others: the first, middle
// and last route answer 200 with the backend's body, and a request for another
// host gets 404. A proxy that does not is reported, never measured.
import { request } from 'node:http';
import type { RouteTable } from './routes.ts';
import { sleep } from './system.ts';

function get(port: number, host: string, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: 2_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Throws with what went wrong when the proxy does not route as expected. */
export async function checkRouting(port: number, routes: RouteTable, backendBody: Buffer): Promise<void> {
  const paths = routes.requestPaths;
  const sample = [...new Set([paths[0], paths[Math.floor(paths.length / 2)], paths[paths.length - 1]])].filter((path) => path !== undefined);
  for (const path of sample) {
    const answer = await get(port, routes.hostname, path);
    if (answer.status !== 200 || !answer.body.equals(backendBody)) {
      throw new Error(`GET ${routes.hostname}${path} answered ${answer.status} with ${answer.body.length} bytes, expected 200 with the backend's ${backendBody.length}`);
    }
  }
  const elsewhere = await get(port, `not-${routes.hostname}`, paths[0] ?? '/');
  if (elsewhere.status !== 404) throw new Error(`a request for another host answered ${elsewhere.status}, expected 404`);
}

/** Retries checkRouting until it passes or the deadline passes (a proxy may open its port before loading routes). */
export async function waitForRouting(port: number, routes: RouteTable, backendBody: Buffer, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      await checkRouting(port, routes, backendBody);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(100);
    }
  }
}
