// Closed-loop HTTP/2 load with h2load (nghttp2): N connections over TLS (ALPN
// h2), M concurrent streams each, for a fixed time. The summary gives counts;
// latency percentiles come from h2load's per-request log (--log-file), since
// its own summary prints only min/max/mean.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { percentile, sortedCopy } from '../stats.ts';
import { runPinned } from '../system.ts';
import type { LoadResult } from './wrk.ts';

export interface H2loadRun {
  h2load: string;
  cores: string;
  port: number;
  host: string;
  path: string;
  connections: number;
  streams: number;
  seconds: number;
  threads: number;
  /** Where the per-request log goes (the bench's temporary directory). */
  dir: string;
}

interface H2loadSummary {
  seconds: number;
  requests: number;
  failed: number;
  errored: number;
  timeout: number;
  non2xx3xx: number;
}

/** The counts from h2load's summary ("finished in ...", "requests: ...", "status codes: ..."). */
export function parseH2loadSummary(stdout: string): H2loadSummary {
  const finished = /finished in ([\d.]+)(ms|s),/.exec(stdout);
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  const statuses = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
  if (!finished || !requests || !statuses) throw new Error(`h2load printed no summary:\n${stdout}`);
  const seconds = Number(finished[1]) / (finished[2] === 'ms' ? 1000 : 1);
  return {
    seconds,
    requests: Number(requests[4]),
    failed: Number(requests[5]),
    errored: Number(requests[6]),
    timeout: Number(requests[7]),
    non2xx3xx: Number(statuses[3]) + Number(statuses[4]),
  };
}

/** Request durations (ms) of successful answers from h2load's --log-file (start µs, status, duration µs per line). */
export function parseH2loadLog(text: string): Float64Array {
  const durations: number[] = [];
  for (const line of text.split('\n')) {
    const [, status, micros] = line.split('\t');
    if (status === undefined || micros === undefined) continue;
    const code = Number(status);
    if (code >= 200 && code < 400) durations.push(Number(micros) / 1000);
  }
  return sortedCopy(durations);
}

export async function runH2load(run: H2loadRun): Promise<LoadResult> {
  const log = join(run.dir, 'h2load-requests.tsv');
  await rm(log, { force: true });
  const url = `https://127.0.0.1:${run.port}${run.path}`;
  const args = [`-c${run.connections}`, `-m${run.streams}`, `-t${run.threads}`, '-D', String(run.seconds), `--log-file=${log}`, '-H', `:authority: ${run.host}`, url];
  const result = await runPinned(run.cores, run.h2load, args);
  if (result.code !== 0) throw new Error(`h2load exited with ${result.code}: ${result.stderr}${result.stdout}`);
  const summary = parseH2loadSummary(result.stdout);
  const durations = parseH2loadLog(await readFile(log, 'utf8'));
  return {
    requests: summary.requests,
    seconds: summary.seconds,
    requestsPerSecond: summary.seconds > 0 ? summary.requests / summary.seconds : 0,
    p50Ms: percentile(durations, 50),
    p90Ms: percentile(durations, 90),
    p99Ms: percentile(durations, 99),
    p999Ms: percentile(durations, 99.9),
    maxMs: percentile(durations, 100),
    socketErrors: summary.failed + summary.errored + summary.timeout,
    badStatuses: summary.non2xx3xx,
  };
}
