// Request metrics as Prometheus sees them: snapshots from every process are
// added up series by series, turned into prom-client metric objects, and
// appended to the registry's text on each scrape. Scraping costs the primary
// (or, with one process, the idle moments of the event loop); the request path
// only ever increments numbers (request-metrics.ts).
import { AggregatorRegistry, Registry } from 'prom-client';
import type { RequestMetricsSnapshot, RequestSeriesLabels, RequestSeriesSnapshot } from './request-metrics.ts';
import { DURATION_BUCKETS } from './request-metrics.ts';

export const REQUESTS_TOTAL = 'portico_http_requests_total';
export const REQUEST_DURATION = 'portico_http_request_duration_seconds';
export const CONNECT_ERRORS_TOTAL = 'portico_upstream_connect_errors_total';

/** Adds up the counts of several processes (or of a process and the workers that came before it). */
export function mergeSnapshots(snapshots: readonly RequestMetricsSnapshot[]): RequestMetricsSnapshot {
  const requests = new Map<string, RequestSeriesSnapshot>();
  const connectErrors = new Map<string, RequestMetricsSnapshot['connectErrors'][number]>();
  for (const snapshot of snapshots) {
    for (const series of snapshot.requests) {
      const key = seriesKey(series.labels);
      const total = requests.get(key);
      if (total === undefined) {
        requests.set(key, { labels: series.labels, count: series.count, sum: series.sum, buckets: series.buckets.slice() });
        continue;
      }
      total.count += series.count;
      total.sum += series.sum;
      series.buckets.forEach((count, i) => (total.buckets[i] = (total.buckets[i] ?? 0) + count));
    }
    for (const entry of snapshot.connectErrors) {
      const key = `${entry.backend}\n${entry.error}`;
      const total = connectErrors.get(key);
      if (total === undefined) connectErrors.set(key, { ...entry });
      else total.count += entry.count;
    }
  }
  return { requests: [...requests.values()], connectErrors: [...connectErrors.values()] };
}

function seriesKey(labels: RequestSeriesLabels): string {
  return `${labels.gateway}\n${labels.port}\n${labels.statusClass}\n${labels.error}\n${labels.routeKind ?? ''}\n${labels.route ?? ''}`;
}

type Labels = Record<string, string | number>;

/** A metric in the JSON shape prom-client's getMetricsAsJSON gives and AggregatorRegistry.aggregate reads. */
export interface MetricJSON {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: { labels: Labels; value: number; metricName?: string }[];
}

function promLabels(labels: RequestSeriesLabels): Labels {
  const out: Labels = { gateway: labels.gateway, port: labels.port, status_class: labels.statusClass, error: labels.error };
  if (labels.route !== undefined) out.route = labels.route;
  if (labels.routeKind !== undefined) out.route_kind = labels.routeKind;
  return out;
}

/** prom-client's JSON form of the request metrics (what `getMetricsAsJSON` would give for real Counters and Histograms). */
export function requestMetricObjects(snapshot: RequestMetricsSnapshot): MetricJSON[] {
  const totals: MetricJSON = {
    name: REQUESTS_TOTAL, type: 'counter', aggregator: 'sum',
    help: 'HTTP requests answered, by Gateway, listener port, status class and error code ("" when none).',
    values: snapshot.requests.map((series) => ({ labels: promLabels(series.labels), value: series.count })),
  };
  const durations: MetricJSON = {
    name: REQUEST_DURATION, type: 'histogram', aggregator: 'sum',
    help: 'Time from a request head being read to its response being finished, in seconds.',
    values: snapshot.requests.flatMap((series) => histogramValues(series)),
  };
  const connectErrors: MetricJSON = {
    name: CONNECT_ERRORS_TOTAL, type: 'counter', aggregator: 'sum',
    help: 'Requests that failed because no connection to the backend could be made, by backend and error code.',
    values: snapshot.connectErrors.map((entry) => ({ labels: { backend: entry.backend, error: entry.error }, value: entry.count })),
  };
  return [totals, durations, connectErrors];
}

function histogramValues(series: RequestSeriesSnapshot): MetricJSON['values'] {
  const labels = promLabels(series.labels);
  const values: MetricJSON['values'] = [];
  let cumulative = 0;
  DURATION_BUCKETS.forEach((bound, i) => {
    cumulative += series.buckets[i] ?? 0;
    values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${REQUEST_DURATION}_bucket` });
  });
  values.push({ labels: { ...labels, le: '+Inf' }, value: series.count, metricName: `${REQUEST_DURATION}_bucket` });
  values.push({ labels, value: series.sum, metricName: `${REQUEST_DURATION}_sum` });
  values.push({ labels, value: series.count, metricName: `${REQUEST_DURATION}_count` });
  return values;
}

/**
 * The admin endpoint's registry: the process's own metrics (control loop,
 * workers) plus the request metrics gathered from every process serving
 * traffic, gathered first so the workers' gauges read fresh numbers.
 */
export class TelemetryRegistry extends Registry {
  readonly #gather: () => Promise<RequestMetricsSnapshot[]>;

  constructor(gather: () => Promise<RequestMetricsSnapshot[]>) {
    super();
    this.#gather = gather;
  }

  override async metrics(): Promise<string> {
    const snapshots = await this.#gather();
    const own = await super.metrics();
    if (snapshots.length === 0) return own;
    // aggregate() over one list builds a registry of plain metric objects:
    // prom-client's own text formatting, without counters on the request path.
    const requests = AggregatorRegistry.aggregate([requestMetricObjects(mergeSnapshots(snapshots))]);
    return `${own}\n${await requests.metrics()}`;
  }
}
