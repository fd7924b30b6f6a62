// The receiving side of RequestMetrics.collect: one process's counts, kept up
// to date from full or changed-only updates, read out as a snapshot when
// /metrics is scraped. The primary keeps one per worker process.
import { DURATION_BUCKETS, labelsOfKey } from './request-metrics.ts';
import type { ConnectErrorSnapshot, MetricsUpdate, RequestMetricsSnapshot, RequestSeriesSnapshot } from './request-metrics.ts';

export class MetricsState {
  #series = new Map<string, RequestSeriesSnapshot>();
  #connectErrors: ConnectErrorSnapshot[] = [];

  apply(update: MetricsUpdate): void {
    if (update.full) this.#series = new Map();
    for (const key of update.removed) this.#series.delete(key);
    for (const [key, count, sum, pairs] of update.series) {
      const buckets = Array.from({ length: DURATION_BUCKETS.length + 1 }, () => 0);
      for (let i = 0; i + 1 < pairs.length; i += 2) buckets[pairs[i] as number] = pairs[i + 1] as number;
      this.#series.set(key, { labels: this.#series.get(key)?.labels ?? labelsOfKey(key), count, sum, buckets });
    }
    this.#connectErrors = update.connectErrors;
  }

  snapshot(): RequestMetricsSnapshot {
    return { requests: [...this.#series.values()], connectErrors: this.#connectErrors };
  }

  /** Requests counted over all series. */
  total(): number {
    let total = 0;
    for (const series of this.#series.values()) total += series.count;
    return total;
  }
}
