// Turns measured runs into the numbers people read: per proxy the median of the
// rounds with min–max, and the ratio of each median to nginx's.
import type { ProxyOutcome, ScenarioOutcome } from './measure.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ProxySummary {
  proxy: string;
  skipped?: string;
  rounds: number;
  /** Rounds in which not one request completed: the proxy stopped answering. */
  stalledRounds: number;
  requestsPerSecond?: Spread;
  p50Ms?: Spread;
  p99Ms?: Spread;
  errors: number;
  /** Median over nginx's median: above 1 is more requests/s, or longer latency. */
  vsNginx?: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

function summarizeOne(outcome: ProxyOutcome): ProxySummary {
  const { runs } = outcome;
  const errors = runs.reduce((sum, run) => sum + run.socketErrors + run.badStatuses, 0);
  const stalledRounds = runs.filter((run) => run.requests === 0).length;
  // A proxy that died part-way has no comparable median.
  if (runs.length === 0 || outcome.skipped !== undefined) return { proxy: outcome.proxy, skipped: outcome.skipped ?? 'not measured', rounds: 0, stalledRounds, errors };
  return {
    proxy: outcome.proxy,
    rounds: runs.length,
    stalledRounds,
    requestsPerSecond: spread(runs.map((run) => run.requestsPerSecond)),
    p50Ms: spread(runs.map((run) => run.p50Ms)),
    p99Ms: spread(runs.map((run) => run.p99Ms)),
    errors,
  };
}

export function summarize(outcome: ScenarioOutcome): ProxySummary[] {
  const summaries = outcome.proxies.map(summarizeOne);
  const nginx = summaries.find((summary) => summary.proxy === 'nginx');
  for (const summary of summaries) {
    if (!nginx?.requestsPerSecond || !nginx.p50Ms || !nginx.p99Ms || !summary.requestsPerSecond || !summary.p50Ms || !summary.p99Ms) continue;
    summary.vsNginx = {
      requestsPerSecond: summary.requestsPerSecond.median / nginx.requestsPerSecond.median,
      p50Ms: summary.p50Ms.median / nginx.p50Ms.median,
      p99Ms: summary.p99Ms.median / nginx.p99Ms.median,
    };
  }
  return summaries;
}

/** A min–max spread wider than this share of the median makes the ratio doubtful. */
const NOISY = 0.25;

const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(2);
const ratio = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(2)}x`);

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
}

export function formatTable(outcome: ScenarioOutcome, summaries: ProxySummary[]): string {
  const header = ['proxy', 'req/s', '(min–max)', 'vs nginx', 'p50 ms', 'vs nginx', 'p99 ms', 'vs nginx', 'errors'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const summary of summaries) {
    const { requestsPerSecond: rps, p50Ms: p50, p99Ms: p99 } = summary;
    if (!rps || !p50 || !p99) {
      rows.push([summary.proxy, 'skipped', '', '', '', '', '', '', '']);
      // The first line says why; the output that followed was printed during the run.
      notes.push(`  ${summary.proxy} skipped: ${(summary.skipped ?? '').split('\n')[0] ?? ''}`);
      continue;
    }
    if (summary.stalledRounds > 0) notes.push(`  ${summary.proxy}: ${summary.stalledRounds} of ${summary.rounds} rounds completed no request at all (a stalled connection?)`);
    if (rps.max - rps.min > NOISY * rps.median) notes.push(`  ${summary.proxy}: rounds differ by ${Math.round(((rps.max - rps.min) / rps.median) * 100)}% of the median — the machine was busy; rerun idle or with more --rounds`);
    rows.push([summary.proxy, count(rps.median), `(${count(rps.min)}–${count(rps.max)})`, ratio(summary.vsNginx?.requestsPerSecond), ms(p50.median), ratio(summary.vsNginx?.p50Ms), ms(p99.median), ratio(summary.vsNginx?.p99Ms), String(summary.errors)]);
  }
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const title = `${outcome.scenario.title}${outcome.scenario.headline ? '  [headline]' : ''}`;
  return [title, `  ${pad(header, widths)}`, ...rows.map((row) => `  ${pad(row, widths)}`), ...notes].join('\n');
}
