// The fixed-rate scenario's plan: nginx's capacity in this run (closed-loop wrk),
// the rate to drive every proxy at (a share of it), and a check that the
// open-loop generator sustains that rate on its own, straight to the backend.
import { join } from 'node:path';
import { runPinned } from './system.ts';
import type { OpenLoopOptions, OpenLoopResult } from './load/open-loop.ts';
import type { LoadResult } from './load/wrk.ts';
import { REPOSITORY } from './proxies/index.ts';

/** How late (p99) the generator may send and still count as keeping its schedule. */
export const MAX_GENERATOR_LAG_P99_MS = 5;

/**
 * The generator ran the rate it was asked to: ≥ 99% of the offered requests
 * answered, nothing left unsent, and 99% of them sent within a few
 * milliseconds of their scheduled time.
 */
export function sustained(result: OpenLoopResult): boolean {
  return result.unsent === 0 && result.completed >= 0.99 * result.scheduled && result.lagMs.p99 <= MAX_GENERATOR_LAG_P99_MS;
}

/** Runs the open-loop generator in its own process on `cores`. */
export async function runOpenLoopPinned(cores: string, options: OpenLoopOptions): Promise<OpenLoopResult> {
  const node = join(REPOSITORY, 'node_modules', '.bin', 'node');
  const result = await runPinned(cores, node, [join(REPOSITORY, 'bench', 'load', 'open-loop-main.ts'), JSON.stringify(options)]);
  if (result.code !== 0) throw new Error(`the open-loop generator exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as OpenLoopResult;
}

/** An open-loop run as a row of the results table (errors: every request that got no good answer). */
export function openLoopAsLoadResult(result: OpenLoopResult): LoadResult {
  return {
    requests: result.completed,
    seconds: result.seconds,
    requestsPerSecond: result.achievedRate,
    p50Ms: result.latencyMs.p50,
    p90Ms: Number.NaN,
    p99Ms: result.latencyMs.p99,
    p999Ms: result.latencyMs.p999,
    maxMs: result.latencyMs.max,
    socketErrors: result.resets + result.closedEarly + result.connectErrors + result.timeouts + result.unsent,
    badStatuses: result.badStatuses,
    offeredRate: result.offeredRate,
    generatorLagP99Ms: result.lagMs.p99,
  };
}

/**
 * The self-check run to judge by when it was repeated once per round: the
 * one with the median send lag (the upper middle for an even count), as the
 * proxies' figures are medians of rounds. One stall of a shared virtual
 * machine then fails one run, not the verdict.
 */
export function medianSelfCheck(runs: readonly OpenLoopResult[]): OpenLoopResult {
  if (runs.length === 0) throw new Error('no self-check runs');
  const sorted = [...runs].sort((a, b) => a.lagMs.p99 - b.lagMs.p99);
  return sorted[Math.floor(sorted.length / 2)] as OpenLoopResult;
}

export function describeSelfCheck(rate: number, result: OpenLoopResult, runs: readonly OpenLoopResult[] = [result]): string {
  const repeated = runs.length > 1 ? ` (the median of ${runs.length} runs by send lag; lag p99 per run: ${runs.map((run) => run.lagMs.p99.toFixed(1)).join(', ')} ms)` : '';
  return `generator self-check${repeated}, straight to the backend at ${Math.round(rate).toLocaleString('en-US')} req/s: answered ${Math.round(result.achievedRate).toLocaleString('en-US')} req/s, ` +
    `send lag p50 ${result.lagMs.p50.toFixed(2)} ms p99 ${result.lagMs.p99.toFixed(2)} ms, latency p50 ${result.latencyMs.p50.toFixed(2)} ms p99 ${result.latencyMs.p99.toFixed(2)} ms ` +
    `(the floor every proxy's figures include) — ${sustained(result) ? 'sustained' : `NOT sustained (needs send lag p99 ≤ ${MAX_GENERATOR_LAG_P99_MS} ms and every request answered): the fixed-rate figures are doubtful — is the machine busy?`}`;
}
