// The scale bench's results as lines and as the issue's targets.
import { megabytes } from '../proc.ts';
import { judge, notMeasured } from '../targets.ts';
import type { TargetRow } from '../targets.ts';
import type { ChurnResult } from './churn.ts';
import type { LargeResult } from './large.ts';

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const s = (value: number): string => `${value.toFixed(2)} s`;

export function describeScale(churn: ChurnResult | undefined, large: LargeResult | undefined): string[] {
  const lines: string[] = [];
  if (churn) {
    lines.push(`${churn.routes.toLocaleString('en-US')} routes over ${churn.namespaces} namespaces: loaded and serving in ${s(churn.loadSeconds)}`);
    lines.push(`  under churn for ${churn.usage.seconds.toFixed(0)} s (${churn.backgroundWrites} background rewrites + ${churn.changeMs.count} measured changes):`);
    for (const usage of churn.usage.processes) lines.push(`    pid ${usage.pid} ${usage.role}: CPU ${usage.cpuPercent.toFixed(1)}% of a core, RSS max ${megabytes(usage.maxRssBytes)} (last ${megabytes(usage.lastRssBytes)})`);
    lines.push(`    total: CPU ${churn.usage.cpuPercent.toFixed(1)}%, RSS max ${megabytes(churn.usage.maxTotalRssBytes)}${churn.heapUsed ? `; V8 heap in use (primary) max ${megabytes(churn.heapUsed.maxBytes)}, last ${megabytes(churn.heapUsed.lastBytes)}` : ''}`);
    lines.push(`  measured change, write → served: p50 ${ms(churn.changeMs.p50)}, p99 ${ms(churn.changeMs.p99)}, max ${ms(churn.changeMs.max)}${churn.unserved ? `; ${churn.unserved} never served` : ''}`);
    if (churn.reloadWorkMs.count > 0) lines.push(`  Portico's own translate + apply per reload (from its log): p50 ${ms(churn.reloadWorkMs.p50)}, p99 ${ms(churn.reloadWorkMs.p99)} over ${churn.reloadWorkMs.count} reloads (the rest is the file watcher's debounce and reading)`);
    const steady = churn.steady;
    lines.push(`  steady client: ${steady.completed} of ${steady.scheduled} answered at ${Math.round(steady.offeredRate)} req/s, ${steady.badStatuses + steady.resets + steady.closedEarly + steady.timeouts + steady.connectErrors + steady.unsent} failed`);
  }
  if (large) {
    lines.push(`${large.routes.toLocaleString('en-US')} routes: ready ${s(large.loadSeconds)} after start, last route served after ${s(large.firstServeSeconds)}`);
    lines.push(`  one-route change, write → served: p50 ${ms(large.changeMs.p50)}, max ${ms(large.changeMs.max)} (n=${large.changeMs.count})`);
    if (large.listenerSetChangeMs) lines.push(`  one-ListenerSet edit, write → served: p50 ${ms(large.listenerSetChangeMs.p50)}, max ${ms(large.listenerSetChangeMs.max)} (n=${large.listenerSetChangeMs.count})`);
    lines.push(`  RSS ${megabytes(large.rssBytes)} (with one route ${megabytes(large.rssOneRouteBytes)}): ${(large.bytesPerRoute / 1024).toFixed(2)} KiB per route`);
    if (large.heapUsedBytes !== undefined && large.heapUsedOneRouteBytes !== undefined) {
      const perRoute = (large.heapUsedBytes - large.heapUsedOneRouteBytes) / Math.max(1, large.routes - 1);
      lines.push(`  V8 heap in use (primary) ${megabytes(large.heapUsedBytes)} (with one route ${megabytes(large.heapUsedOneRouteBytes)}): ${(perRoute / 1024).toFixed(2)} KiB per route`);
    }
    lines.push(`  /metrics: ${large.series} series in ${large.families} families (${large.seriesOneRoute} with one route, after the same requests)`);
    lines.push(typeof large.listenerSets === 'number' ? `  with ${large.listenerSets} ListenerSets` : `  ListenerSets: skipped — not supported yet (${large.listenerSets.skipped})`);
  }
  return lines;
}

export function scaleTargets(churn: ChurnResult | undefined, large: LargeResult | undefined, why: { churn?: string; large?: string }): TargetRow[] {
  const rows: TargetRow[] = [];
  if (churn) {
    rows.push({ target: `total RSS, ${churn.routes} routes under churn`, goal: '≤ 300 MB', measured: megabytes(churn.usage.maxTotalRssBytes), verdict: judge(churn.usage.maxTotalRssBytes / 1024 / 1024, '<=', 300) });
    rows.push({ target: 'incremental change, write → served (median)', goal: '≤ 20 ms', measured: `${ms(churn.changeMs.p50)} (p99 ${ms(churn.changeMs.p99)})`, verdict: churn.unserved > 0 ? 'MISS' : judge(churn.changeMs.p50, '<=', 20) });
  } else {
    rows.push(notMeasured('5,000 routes under churn', '≤ 300 MB, ≤ 20 ms', why.churn ?? 'part not run'));
  }
  if (large) {
    rows.push({ target: `${large.routes} routes: start → ready`, goal: '≤ 1 s', measured: s(large.loadSeconds), verdict: judge(large.loadSeconds, '<=', 1) });
    rows.push({ target: `${large.routes} routes: a change, write → served (max)`, goal: '≤ 1 s', measured: `${ms(large.changeMs.max)} (p50 ${ms(large.changeMs.p50)})`, verdict: large.changeMs.count === 0 ? 'MISS' : judge(large.changeMs.max, '<=', 1000) });
    if (large.listenerSetChangeMs) {
      const sets = large.listenerSetChangeMs;
      rows.push({ target: `${large.routes} routes: a ListenerSet edit, write → served (max)`, goal: '≤ 1 s', measured: `${ms(sets.max)} (p50 ${ms(sets.p50)})`, verdict: sets.count === 0 ? 'MISS' : judge(sets.max, '<=', 1000) });
    }
    // Per-route labels would add at least one series per route; allow one per 100.
    const allowed = large.seriesOneRoute + Math.floor(large.routes / 100);
    rows.push({ target: 'Prometheus series bounded', goal: `≤ ${allowed} (one route's + routes/100)`, measured: `${large.series} (${large.seriesOneRoute} with one route)`, verdict: judge(large.series, '<=', allowed) });
  } else {
    rows.push(notMeasured('40,000 routes', 'load and change ≤ 1 s', why.large ?? 'part not run'));
  }
  return rows;
}
