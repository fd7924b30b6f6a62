// The soak's memory watch: the resident memory of a process tree sampled every
// second, summarised as start, end, peak and slope, and judged flat or not.
import { processTree, totalRss } from './proc.ts';
import { median, slope } from './stats.ts';

export interface MemorySample {
  seconds: number;
  rssBytes: number;
}

export interface MemorySummary {
  startBytes: number;
  endBytes: number;
  peakBytes: number;
  /** Least-squares slope over the last two thirds of the run. */
  slopeBytesPerMinute: number;
  /**
   * Median of the last third of the samples minus the median of the middle
   * third: the first third is the settling period (heaps and pools grow to
   * their working size when load starts).
   */
  growthBytes: number;
  /** The growth allowed before memory counts as not flat: 5% of the start, at least 5 MiB. */
  allowanceBytes: number;
  flat: boolean;
  samples: number;
}

/** Samples the tree under `pid` every `intervalMs` until stopped. */
export function sampleMemory(pid: number, intervalMs = 1000): { stop(): MemorySample[] } {
  const samples: MemorySample[] = [];
  const started = Date.now();
  const take = (): void => {
    const rssBytes = totalRss(processTree(pid));
    if (rssBytes > 0) samples.push({ seconds: (Date.now() - started) / 1000, rssBytes });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

export function summarizeMemory(samples: readonly MemorySample[]): MemorySummary | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return undefined;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const settled = samples.length >= 3 ? samples.slice(third) : samples;
  const middle = median(settled.slice(0, third).map((sample) => sample.rssBytes));
  const late = median(samples.slice(-third).map((sample) => sample.rssBytes));
  const growthBytes = late - middle;
  const allowanceBytes = Math.max(5 * 1024 * 1024, 0.05 * middle);
  return {
    startBytes: first.rssBytes,
    endBytes: last.rssBytes,
    peakBytes: Math.max(...samples.map((sample) => sample.rssBytes)),
    slopeBytesPerMinute: slope(settled.map((sample) => ({ x: sample.seconds / 60, y: sample.rssBytes }))),
    growthBytes,
    allowanceBytes,
    flat: growthBytes <= allowanceBytes,
    samples: samples.length,
  };
}
