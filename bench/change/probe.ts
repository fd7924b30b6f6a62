// One keep-alive client connection that asks the proxy, again and again, until
// a route answers: how the change bench sees that a change is served.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Probe {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  /**
   * Sends requests back to back until `accept` says yes: the time of that
   * answer (undefined at the deadline), and how many requests failed outright
   * (connection errors, not statuses) meanwhile.
   */
  until(path: string, accept: (answer: { status: number; body: string }) => boolean, deadlineMs: number, headers?: Record<string, string>): Promise<{ at: number | undefined; failures: number }>;
  close(): void;
}

export function createProbe(port: number, host: string): Probe {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get: Probe['get'] = (path, headers = {}) => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { host, ...headers }, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
  return {
    get,
    async until(path, accept, deadlineMs, headers) {
      const deadline = performance.now() + deadlineMs;
      let failures = 0;
      while (performance.now() < deadline) {
        const answer = await get(path, headers).catch(() => {
          failures++;
          return undefined;
        });
        if (answer && accept(answer)) return { at: performance.now(), failures };
      }
      return { at: undefined, failures };
    },
    close: () => agent.destroy(),
  };
}
