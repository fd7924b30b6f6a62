// The routing work every proxy is given: one hostname and N path-prefix routes
// to the same backend, plus the request paths the load spreads over. Each
// proxy's config generator turns this one table into its own configuration, so
// all three do the same matching (host, then longest path prefix) per request.
import type { TlsFiles } from './tls.ts';

export const BENCH_HOST = 'bench.example';

export interface RouteTable {
  hostname: string;
  /** Path prefixes, one route each (prefixes end with "/" so "/r1/" never matches "/r10/x"). */
  prefixes: string[];
  /** The paths requests go to, in the order the load generator cycles through them. */
  requestPaths: string[];
}

/**
 * `spread` > 1 with one route sends the same request stream as the
 * `spread`-route table (distinct paths, formatted per request by the load
 * generator) to one catch-all route, so the two runs differ only in the table.
 */
export function routeTable(count: number, spread = count): RouteTable {
  const spreadPaths = Array.from({ length: spread }, (_, i) => `/r${i}/item`);
  if (count === 1) return { hostname: BENCH_HOST, prefixes: ['/'], requestPaths: spread > 1 ? spreadPaths : ['/'] };
  const prefixes = Array.from({ length: count }, (_, i) => `/r${i}/`);
  return { hostname: BENCH_HOST, prefixes, requestPaths: prefixes.map((prefix) => `${prefix}item`) };
}

/** What a proxy config generator needs. */
export interface ProxySetup {
  /** A private temporary directory for configs, pid and log files. */
  dir: string;
  listenPort: number;
  backendPort: number;
  routes: RouteTable;
  /** nginx worker processes, HAProxy threads, Portico worker processes. */
  workers: number;
  /** Terminate TLS on the listener with this certificate. */
  tls?: TlsFiles;
  /** Offer HTTP/2 on the (TLS) listener through ALPN, besides HTTP/1.1. */
  http2?: boolean;
}
