// Backends for the change bench that remember when each request arrived (and
// its `seq=` number, when the client numbers its requests), so the bench can
// tell when traffic stopped reaching a removed endpoint and started reaching an
// added one. Each answers with its own name.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Arrival {
  /** performance.now() when the request's head was read. */
  at: number;
  /** The request's `seq=` query value, or -1. */
  seq: number;
}

export interface TrackingBackend {
  name: string;
  port: number;
  /** Requests received so far. */
  readonly count: number;
  /** Requests that arrived at or after `since`, in order. */
  arrivalsSince(since: number): Arrival[];
  close(): Promise<void>;
}

const SEQ = /[?&]seq=(\d+)/;

export async function startTrackingBackend(name: string): Promise<TrackingBackend> {
  // Arrival times in a growing typed array: a long run at a few thousand
  // requests/s stays a few MB.
  let arrivals = new Float64Array(4096);
  let sequences = new Float64Array(4096);
  let count = 0;
  const body = Buffer.from(name);
  const server: Server = createServer((req, res) => {
    if (count === arrivals.length) {
      const grow = (values: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const bigger = new Float64Array(values.length * 2);
        bigger.set(values);
        return bigger;
      };
      arrivals = grow(arrivals);
      sequences = grow(sequences);
    }
    const seq = SEQ.exec(req.url ?? '');
    sequences[count] = seq ? Number(seq[1]) : -1;
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
      return Array.from(arrivals.subarray(low, count), (at, i) => ({ at, seq: sequences[low + i] as number }));
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
