// Backends for the change bench that remember when each request arrived, so
// the bench can tell exactly when traffic stopped reaching a removed endpoint
// and started reaching an added one. Each answers with its own name.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TrackingBackend {
  name: string;
  port: number;
  /** Requests received so far. */
  readonly count: number;
  /** Arrival times (performance.now()) at or after `since`. */
  arrivalsSince(since: number): number[];
  close(): Promise<void>;
}

export async function startTrackingBackend(name: string): Promise<TrackingBackend> {
  // Arrival times in a growing typed array: a long run at a few thousand
  // requests/s stays a few MB.
  let arrivals = new Float64Array(4096);
  let count = 0;
  const body = Buffer.from(name);
  const server: Server = createServer((_req, res) => {
    if (count === arrivals.length) {
      const bigger = new Float64Array(arrivals.length * 2);
      bigger.set(arrivals);
      arrivals = bigger;
    }
    arrivals[count++] = performance.now();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    get count() {
      return count;
    },
    arrivalsSince(since) {
      // Arrivals are in time order: find the first one at or after `since`.
      let low = 0;
      let high = count;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((arrivals[middle] as number) < since) low = middle + 1;
        else high = middle;
      }
      return Array.from(arrivals.subarray(low, count));
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
