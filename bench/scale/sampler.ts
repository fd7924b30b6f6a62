// CPU and memory of every process of a running Portico over a window: sampled
// every second from /proc, reported per process (the primary runs the control
// plane; with workers, each child is a data-plane worker) and in total.
import { processTree, totalRss } from '../proc.ts';
import type { ProcessStats } from '../proc.ts';

export interface ProcessUsage {
  pid: number;
  role: string;
  /** Average CPU over the window, in % of one core. */
  cpuPercent: number;
  maxRssBytes: number;
  lastRssBytes: number;
}

export interface UsageSummary {
  processes: ProcessUsage[];
  /** Largest sum of all processes' RSS seen in one sample. */
  maxTotalRssBytes: number;
  cpuPercent: number;
  seconds: number;
}

export function sampleUsage(rootPid: number, intervalMs = 1000): { stop(): UsageSummary } {
  const started = Date.now();
  const first = new Map<number, ProcessStats>();
  const last = new Map<number, ProcessStats>();
  const maxRss = new Map<number, number>();
  let maxTotal = 0;
  const take = (): void => {
    const tree = processTree(rootPid);
    maxTotal = Math.max(maxTotal, totalRss(tree));
    for (const stats of tree) {
      if (!first.has(stats.pid)) first.set(stats.pid, stats);
      last.set(stats.pid, stats);
      maxRss.set(stats.pid, Math.max(maxRss.get(stats.pid) ?? 0, stats.rssBytes));
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const seconds = (Date.now() - started) / 1000;
      const processes = [...last.values()].map((stats): ProcessUsage => {
        const start = first.get(stats.pid) ?? stats;
        const single = last.size === 1;
        return {
          pid: stats.pid,
          role: stats.pid === rootPid ? (single ? 'control plane + data plane' : 'control plane (primary)') : 'data-plane worker',
          cpuPercent: seconds > 0 ? ((stats.cpuSeconds - start.cpuSeconds) / seconds) * 100 : 0,
          maxRssBytes: maxRss.get(stats.pid) ?? stats.rssBytes,
          lastRssBytes: stats.rssBytes,
        };
      });
      return { processes, maxTotalRssBytes: maxTotal, cpuPercent: processes.reduce((sum, usage) => sum + usage.cpuPercent, 0), seconds };
    },
  };
}

/** Resident memory of the tree once it has settled: the median of a few samples. */
export async function settledRss(rootPid: number, samples = 5, intervalMs = 400): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    values.push(totalRss(processTree(rootPid)));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] as number;
}

/**
 * The V8 heap in use of Portico's primary (nodejs_heap_size_used_bytes on its
 * /metrics), to put next to RSS: what live (and not yet collected) objects
 * take, apart from heap slack, code and the allocator. Undefined if missing.
 */
export async function heapUsedBytes(portico: { admin(path: string): Promise<{ status: number; body: string }> }): Promise<number | undefined> {
  const metrics = await portico.admin('/metrics').catch(() => undefined);
  const line = metrics?.status === 200 ? metrics.body.split('\n').find((candidate) => candidate.startsWith('nodejs_heap_size_used_bytes ')) : undefined;
  const value = line === undefined ? Number.NaN : Number(line.split(' ')[1]);
  return Number.isFinite(value) ? value : undefined;
}
