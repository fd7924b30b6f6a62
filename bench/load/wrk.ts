// Closed-loop HTTP/1.1 load with wrk: N keep-alive connections, each sending
// its next request as soon as the last answer arrives. A generated Lua script
// spreads requests over the route table and reports the summary as one JSON
// line (exact counts and latency percentiles, no parsing of wrk's prose).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runPinned } from '../system.ts';

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms?: number;
  maxMs: number;
  /** Connect, read, write and timeout errors. */
  socketErrors: number;
  /** Answers that were not 2xx or 3xx. */
  badStatuses: number;
  /** Open-loop runs: the requests/s offered, and how late (p99) the generator sent them. */
  offeredRate?: number;
  generatorLagP99Ms?: number;
}

export interface WrkRun {
  wrk: string;
  cores: string;
  port: number;
  host: string;
  paths: string[];
  connections: number;
  seconds: number;
  /** Where the script goes (the bench's temporary directory). */
  dir: string;
  /** wrk threads (default 1: the load generator has one core). */
  threads?: number;
  /** https:// (keep-alive TLS connections; wrk offers no ALPN, so HTTP/1.1). */
  tls?: boolean;
  /** Send `Connection: close`: a new connection per request. */
  newConnectionPerRequest?: boolean;
}

const MARKER = 'BENCH-RESULT ';

function luaString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function wrkScript(paths: string[]): string {
  // With one path wrk sends a request built once, so the load generator does
  // the least work; with many it formats each request from the table.
  const spread = paths.length <= 1 ? '' : `local paths = { ${paths.map(luaString).join(', ')} }
local count = #paths
local next_index = 0
request = function()
  next_index = next_index % count + 1
  return wrk.format(nil, paths[next_index])
end
`;
  return `${spread}done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARKER}{"requests":%.0f,"durationUs":%.0f,"socketErrors":%.0f,"badStatuses":%.0f,"p50Us":%.0f,"p90Us":%.0f,"p99Us":%.0f,"p999Us":%.0f,"maxUs":%.0f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`;
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  socketErrors: number;
  badStatuses: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout}`);
  const summary = JSON.parse(line.slice(MARKER.length)) as WrkSummary;
  const seconds = summary.durationUs / 1e6;
  return {
    requests: summary.requests,
    seconds,
    requestsPerSecond: seconds > 0 ? summary.requests / seconds : 0,
    p50Ms: summary.p50Us / 1000,
    p90Ms: summary.p90Us / 1000,
    p99Ms: summary.p99Us / 1000,
    p999Ms: summary.p999Us / 1000,
    maxMs: summary.maxUs / 1000,
    socketErrors: summary.socketErrors,
    badStatuses: summary.badStatuses,
  };
}

export async function runWrk(run: WrkRun): Promise<LoadResult> {
  const script = join(run.dir, `wrk-${run.paths.length}.lua`);
  await writeFile(script, wrkScript(run.paths));
  const url = `${run.tls ? 'https' : 'http'}://127.0.0.1:${run.port}${run.paths[0] ?? '/'}`;
  // One thread by default: the load generator has one core (shared with the backend).
  const close = run.newConnectionPerRequest ? ['-H', 'Connection: close'] : [];
  const args = [`-t${run.threads ?? 1}`, `-c${run.connections}`, `-d${run.seconds}s`, '--timeout', '2s', '--latency', '-H', `Host: ${run.host}`, ...close, '-s', script, url];
  const result = await runPinned(run.cores, run.wrk, args);
  if (result.code !== 0) throw new Error(`wrk exited with ${result.code}: ${result.stderr}${result.stdout}`);
  return parseWrkOutput(result.stdout);
}
