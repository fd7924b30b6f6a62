// Turns measured runs into the numbers people read: per proxy the median of the
// rounds with min–max, and the ratio of each median to nginx's.
import type { ProxyOutcome, ScenarioOutcome } from './measure.ts';
import type { MemorySummary } from './memory.ts';
import { tlsScaleNotes, tlsScaleSummary } from './tls-scale/summary.ts';
import type { TlsScaleSummary } from './tls-scale/summary.ts';

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
  /** Only loads that measure it (fixed rate, HTTP/2). */
  p999Ms?: Spread;
  /** Fixed rate: requests/s offered (median). */
  offeredRate?: number;
  errors: number;
  /** Median over nginx's median: above 1 is more requests/s, or longer latency. */
  vsNginx?: { requestsPerSecond: number; p50Ms: number; p99Ms: number; p999Ms?: number };
  memory?: MemorySummary;
  /** TLS scale scenario: its figures and the ratios made of them. */
  tlsScale?: TlsScaleSummary;
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
  const p999 = runs.map((run) => run.p999Ms).filter((value): value is number => value !== undefined && !Number.isNaN(value));
  const offered = runs.map((run) => run.offeredRate).filter((value): value is number => value !== undefined);
  return {
    proxy: outcome.proxy,
    rounds: runs.length,
    stalledRounds,
    requestsPerSecond: spread(runs.map((run) => run.requestsPerSecond)),
    p50Ms: spread(runs.map((run) => run.p50Ms)),
    p99Ms: spread(runs.map((run) => run.p99Ms)),
    ...(p999.length === runs.length ? { p999Ms: spread(p999) } : {}),
    ...(offered.length > 0 ? { offeredRate: spread(offered).median } : {}),
    errors,
    ...(outcome.memory ? { memory: outcome.memory } : {}),
    ...(outcome.tlsScale ? { tlsScale: tlsScaleSummary(outcome.tlsScale, spread) } : {}),
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
      ...(summary.p999Ms && nginx.p999Ms ? { p999Ms: summary.p999Ms.median / nginx.p999Ms.median } : {}),
    };
  }
  return summaries;
}

/** A min–max spread wider than this share of the median makes the ratio doubtful. */
const NOISY = 0.25;

const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(2);
const ratio = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(2)}x`);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
}

type Columns = { header: string[]; row(summary: ProxySummary): string[] };

/** Closed-loop loads: throughput first, then closed-loop latency. */
const THROUGHPUT: Columns = {
  header: ['proxy', 'req/s', '(min–max)', 'vs nginx', 'p50 ms', 'vs nginx', 'p99 ms', 'vs nginx', 'errors'],
  row: (s) => [s.proxy, count(s.requestsPerSecond?.median ?? 0), `(${count(s.requestsPerSecond?.min ?? 0)}–${count(s.requestsPerSecond?.max ?? 0)})`, ratio(s.vsNginx?.requestsPerSecond), ms(s.p50Ms?.median ?? 0), ratio(s.vsNginx?.p50Ms), ms(s.p99Ms?.median ?? 0), ratio(s.vsNginx?.p99Ms), String(s.errors)],
};

/** Fixed rate: the same offered load for all, so latency is the result. */
const LATENCY: Columns = {
  header: ['proxy', 'offered/s', 'answered/s', 'p50 ms', 'vs nginx', 'p99 ms', '(min–max)', 'vs nginx', 'p999 ms', 'vs nginx', 'errors'],
  row: (s) => [s.proxy, count(s.offeredRate ?? 0), count(s.requestsPerSecond?.median ?? 0), ms(s.p50Ms?.median ?? 0), ratio(s.vsNginx?.p50Ms), ms(s.p99Ms?.median ?? 0), `(${ms(s.p99Ms?.min ?? 0)}–${ms(s.p99Ms?.max ?? 0)})`, ratio(s.vsNginx?.p99Ms), ms(s.p999Ms?.median ?? Number.NaN), ratio(s.vsNginx?.p999Ms), String(s.errors)],
};

/** Soak: memory over the run. */
const MEMORY: Columns = {
  header: ['proxy', 'req/s', 'RSS start MB', 'end MB', 'peak MB', 'slope MB/min', 'growth MB', 'flat', 'errors'],
  row: (s) => [s.proxy, count(s.requestsPerSecond?.median ?? 0), mb(s.memory?.startBytes ?? 0), mb(s.memory?.endBytes ?? 0), mb(s.memory?.peakBytes ?? 0), mb(s.memory?.slopeBytesPerMinute ?? 0), mb(s.memory?.growthBytes ?? 0), s.memory ? (s.memory.flat ? 'yes' : 'NO') : '-', String(s.errors)],
};

/** TLS scale: handshakes/s over N names (warm, the rounds), against one name and cold; memory; change time. */
const TLS_SCALE: Columns = {
  header: ['proxy', 'hs/s N names', '(min–max)', 'vs nginx', 'hs/s 1 name', 'N/1', 'cold hs/s', 'busy', 'MB 1 cert', 'MB N', 'MB N after hs', 'KB/cert', 'change ms', 'errors'],
  row: (s) => {
    const t = s.tlsScale;
    const kb = (bytes: number | undefined): string => (bytes === undefined ? '-' : (bytes / 1024).toFixed(1));
    return [
      s.proxy, count(s.requestsPerSecond?.median ?? 0), `(${count(s.requestsPerSecond?.min ?? 0)}–${count(s.requestsPerSecond?.max ?? 0)})`, ratio(s.vsNginx?.requestsPerSecond),
      count(t?.oneName.median ?? 0), ratio(t?.manyOverOne), count(t?.coldPerSecond ?? 0), t ? `${Math.round(t.proxyBusy * 100)}%` : '-',
      mb(t?.memory.one ?? 0), mb(t?.memory.manyLoaded ?? 0), mb(t?.memory.manyHandshaken ?? 0), kb(t?.bytesPerCertificate.handshaken),
      t?.changeMs === undefined ? '-' : t.changeMs.map((ms) => (ms === undefined ? 'none' : String(Math.round(ms)))).join('/'),
      String(s.errors),
    ];
  },
};

function columnsFor(outcome: ScenarioOutcome): Columns {
  switch (outcome.scenario.load.tool) {
    case 'tls-scale':
      return TLS_SCALE;
    case 'fixed-rate':
      return LATENCY;
    case 'soak':
      return MEMORY;
    default:
      return THROUGHPUT;
  }
}

export function formatTable(outcome: ScenarioOutcome, summaries: ProxySummary[]): string {
  const columns = columnsFor(outcome);
  const rows: string[][] = [];
  const notes: string[] = (outcome.notes ?? []).map((note) => `  ${note}`);
  for (const summary of summaries) {
    const { requestsPerSecond: rps, p50Ms: p50, p99Ms: p99 } = summary;
    if (!rps || !p50 || !p99) {
      rows.push([summary.proxy, 'skipped', ...columns.header.slice(2).map(() => '')]);
      // The first line says why; the output that followed was printed during the run.
      notes.push(`  ${summary.proxy} skipped: ${(summary.skipped ?? '').split('\n')[0] ?? ''}`);
      continue;
    }
    if (summary.stalledRounds > 0) notes.push(`  ${summary.proxy}: ${summary.stalledRounds} of ${summary.rounds} rounds completed no request at all (a stalled connection?)`);
    // At a fixed rate throughput is set by the generator; the spread that matters is latency's.
    const varying = columns === LATENCY ? p99 : rps;
    if (varying.max - varying.min > NOISY * varying.median) notes.push(`  ${summary.proxy}: rounds differ by ${Math.round(((varying.max - varying.min) / varying.median) * 100)}% of the median — the machine was busy; rerun idle or with more --rounds`);
    rows.push(columns.row(summary));
    if (summary.tlsScale) notes.push(...tlsScaleNotes(summary.proxy, summary.tlsScale).map((note) => `  ${note}`));
  }
  const widths = columns.header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const title = `${outcome.scenario.title}${outcome.scenario.headline ? '  [headline]' : ''}`;
  return [title, `  ${pad(columns.header, widths)}`, ...rows.map((row) => `  ${pad(row, widths)}`), ...notes].join('\n');
}
