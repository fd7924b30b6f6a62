// What `npm run bench` measures: one entry per scenario. A new scenario is a new
// entry; a new kind of load (h2load for HTTP/2, fixed-rate latency, a new
// connection per request, a soak) is a new member of `Load` plus its runner in
// measure.ts, and a new kind of listener (HTTPS) a field the config generators read.

/** Closed-loop HTTP/1.1 keep-alive load from wrk. */
export interface WrkLoad {
  tool: 'wrk';
  connections: number;
}

export type Load = WrkLoad;

export interface Scenario {
  id: string;
  title: string;
  /** The number the project is judged by: printed first and called out. */
  headline?: boolean;
  /** Routes in the table (1: one catch-all prefix route; N: N distinct path prefixes, requests spread over all). */
  routes: number;
  /** Size of the backend's fixed answer. */
  bodyBytes: number;
  load: Load;
}

export const SCENARIOS: Scenario[] = [
  { id: 'small-c16', title: 'keep-alive, 64 B body, 1 route, 16 connections', headline: true, routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 16 } },
  { id: 'routes1000-c16', title: 'keep-alive, 64 B body, 1,000 routes, 16 connections', routes: 1000, bodyBytes: 64, load: { tool: 'wrk', connections: 16 } },
  { id: 'small-c1', title: 'keep-alive, 64 B body, 1 route, 1 connection (latency)', routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 1 } },
  { id: 'small-c256', title: 'keep-alive, 64 B body, 1 route, 256 connections', routes: 1, bodyBytes: 64, load: { tool: 'wrk', connections: 256 } },
];
