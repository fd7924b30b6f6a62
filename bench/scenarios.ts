// What `npm run bench` measures: one entry per scenario. A new scenario is a new
// entry; a new kind of load is a new member of `Load` plus its runner in
// measure.ts (applyLoad), and a new kind of listener a field the config
// generators in proxies/ read.

export type ProxyName = 'nginx' | 'haproxy' | 'portico';

/** Closed-loop HTTP/1.1 load from wrk: each connection sends its next request when the last answer arrives. */
export interface WrkLoad {
  tool: 'wrk';
  connections: number;
  /** Send `Connection: close`: every request on a new TCP (and TLS) connection. */
  newConnectionPerRequest?: boolean;
}

/** Closed-loop HTTP/2 load from h2load: N connections, M concurrent streams each. */
export interface H2loadLoad {
  tool: 'h2load';
  connections: number;
  streams: number;
}

/**
 * Open-loop load at a fixed request rate (load/open-loop.ts): `share` of the
 * requests/s nginx reaches with wrk at `capacityConnections` in the same run.
 * Latency counts from each request's scheduled send time, so a stalled proxy
 * cannot hide its queue (no coordinated omission).
 */
export interface FixedRateLoad {
  tool: 'fixed-rate';
  share: number;
  capacityConnections: number;
}

/** A long closed-loop wrk run while the proxy's memory is sampled every second. */
export interface SoakLoad {
  tool: 'soak';
  connections: number;
}

/**
 * New TLS connections with the server name spread over N tenant hostnames,
 * each with its own certificate, against the same on one name
 * (tls-scale/measure.ts): handshakes/s cold and warm, memory per certificate,
 * and the time a renewed certificate takes to reach new connections.
 */
export interface TlsScaleLoad {
  tool: 'tls-scale';
  certificates: number;
}

export type Load = WrkLoad | H2loadLoad | FixedRateLoad | SoakLoad | TlsScaleLoad;

export interface Scenario {
  id: string;
  title: string;
  /** The number the project is judged by: printed first and called out. */
  headline?: boolean;
  /** Routes in the table (1: one catch-all prefix route; N: N distinct path prefixes, requests spread over all). */
  routes: number;
  /**
   * Distinct request paths the load cycles through (default: one per route).
   * More paths than routes make the load generator do the same per-request
   * work as a many-route run, so the two compare table against table.
   */
  requestPaths?: number;
  /** Size of the backend's fixed answer. */
  bodyBytes: number;
  load: Load;
  /** The proxies terminate TLS (a certificate made at run time). */
  tls?: boolean;
  /** The proxies offer HTTP/2 (with `tls`: through ALPN). */
  http2?: boolean;
  /**
   * 1 (default): the proxy alone on one core with one worker; load generator
   * and backend on the other. 2: every proxy with two workers, and proxy,
   * load generator and backend all unpinned, sharing both cores.
   */
  cores?: 1 | 2;
  /** Only these proxies (e.g. the soak watches Portico's memory); default all. */
  only?: ProxyName[];
}

export const SCENARIOS: Scenario[] = [
  { id: 'small-c16', title: 'keep-alive, 64 B body, 1 route, 16 connections', headline: true, routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 16 } },
  { id: 'routes1000-c16', title: 'keep-alive, 64 B body, 1,000 routes, 16 connections', routes: 1000, bodyBytes: 64, load: { tool: 'wrk', connections: 16 } },
  { id: 'routes1-spread-c16', title: 'keep-alive, 64 B body, 1 route, 16 connections, the 1,000-route run\'s 1,000 request paths', routes: 1, requestPaths: 1000, bodyBytes: 64, load: { tool: 'wrk', connections: 16 } },
  { id: 'small-c1', title: 'keep-alive, 64 B body, 1 route, 1 connection (latency)', routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 1 } },
  { id: 'small-c256', title: 'keep-alive, 64 B body, 1 route, 256 connections', routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 256 } },
  { id: 'body64k-c16', title: 'keep-alive, 64 KiB body, 1 route, 16 connections', routes: 1, bodyBytes: 64 * 1024, load: { tool: 'wrk', connections: 16 } },
  { id: 'newconn-c16', title: 'a new connection per request (Connection: close), 64 B body, 16 clients', routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 16, newConnectionPerRequest: true } },
  { id: 'https-c16', title: 'HTTPS keep-alive (TLS terminated by the proxy), 64 B body, 16 connections', routes: 1, bodyBytes: 64, tls: true, load: { tool: 'wrk', connections: 16 } },
  { id: 'h2-c16-m10', title: 'HTTP/2 over TLS (h2load), 64 B body, 16 connections x 10 streams', routes: 1, bodyBytes: 64, tls: true, http2: true, load: { tool: 'h2load', connections: 16, streams: 10 } },
  { id: 'fixed-rate', title: 'latency at a fixed rate of half nginx\'s capacity (open loop), 64 B body', routes: 1, bodyBytes: 64, load: { tool: 'fixed-rate', share: 0.5, capacityConnections: 16 } },
  { id: 'small-c16-2cores', title: 'keep-alive, 64 B body, 1 route, 16 connections, both cores (2 workers each, nothing pinned)', routes: 1, bodyBytes: 64, cores: 2, load: { tool: 'wrk', connections: 16 } },
  { id: 'https-5000-certs', title: 'new TLS connections, SNI spread over 5,000 tenant hostnames with a certificate each, vs 1 name (req/s: handshakes/s)', routes: 1, bodyBytes: 64, tls: true, load: { tool: 'tls-scale', certificates: 5000 } },
  { id: 'soak', title: 'soak: keep-alive, 16 connections, Portico\'s memory sampled every second', routes: 1, bodyBytes: 64, only: ['portico'], load: { tool: 'soak', connections: 16 } },
];
