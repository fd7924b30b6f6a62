// Request metrics on the hot path: one `record` per finished request, doing a
// map lookup for the port, array reads for the status class and a few number
// increments on series resolved once per configuration (no label objects, no
// string building per request). `collect()` copies the counts out as compact
// plain data, by default only the series that changed since the last collect,
// so a scrape costs a worker little even with many routes labelled.
//
// Label cardinality stays bounded whatever the number of routes: by default a
// series is (gateway, port, status class, error code); `routeLabels` adds the
// route (namespace/name and kind, never the rule) for users who opt in.
import type { IR } from '../ir/types.ts';
import type { RequestLogInfo } from '../dataplane/runtime.ts';

/** Upper bounds (seconds) of the request duration histogram; proxied requests mostly take well under 10 ms. */
export const DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** The data plane's codes for a failed connection to a backend (src/dataplane/upstream/pool.ts). */
const CONNECT_ERRORS: ReadonlySet<string> = new Set(['connect_refused', 'connect_timeout', 'connect_failed']);

/** Beyond this many distinct error codes in one group, further codes count as "other" (the data plane's codes are a short fixed list). */
const MAX_ERROR_CODES = 32;
/** Beyond this many (backend, error) pairs, further connect errors count under backend "other". */
const MAX_CONNECT_ERROR_SERIES = 10_000;

export interface RequestSeriesLabels {
  /** "namespace/name" of the Gateway; several names joined by "," when Gateways share the port and no rule decided. */
  gateway: string;
  port: number;
  /** "2xx", ... */
  statusClass: string;
  /** The data plane's error code, or "" when the request did not fail. */
  error: string;
  /** With route labels on: "namespace/name" of the route ("" when no route matched). */
  route?: string;
  routeKind?: string;
}

export interface RequestSeriesSnapshot {
  labels: RequestSeriesLabels;
  count: number;
  /** Sum of durations in seconds. */
  sum: number;
  /** Non-cumulative counts per DURATION_BUCKETS bound, plus one last count for +Inf. */
  buckets: number[];
}

export interface ConnectErrorSnapshot {
  backend: string;
  error: string;
  count: number;
}

/** One process's counts since it started. */
export interface RequestMetricsSnapshot {
  requests: RequestSeriesSnapshot[];
  connectErrors: ConnectErrorSnapshot[];
}

/** A series on the wire: its key (seriesKey), count, sum, and its non-empty buckets as (index, count) pairs. */
export type SeriesUpdate = [key: string, count: number, sum: number, buckets: number[]];

/** What `collect` hands over (IPC-serialisable). Counts are totals, not increments, so applying one twice is harmless. */
export interface MetricsUpdate {
  /** True: `series` is every series (the receiver forgets the others); false: only those changed since the last collect. */
  full: boolean;
  series: SeriesUpdate[];
  /** Keys of series a reload dropped since the last collect. */
  removed: string[];
  connectErrors: ConnectErrorSnapshot[];
}

/** A series' labels as one string (label values hold no newlines: Kubernetes names, ports, fixed codes). */
export function seriesKey(labels: RequestSeriesLabels): string {
  const base = `${labels.gateway}\n${labels.port}\n${labels.statusClass}\n${labels.error}`;
  return labels.route === undefined ? base : `${base}\n${labels.routeKind ?? ''}\n${labels.route}`;
}

export function labelsOfKey(key: string): RequestSeriesLabels {
  const [gateway = '', port = '0', statusClass = '', error = '', routeKind, route] = key.split('\n');
  const labels: RequestSeriesLabels = { gateway, port: Number(port), statusClass, error };
  if (route !== undefined) {
    labels.route = route;
    labels.routeKind = routeKind;
  }
  return labels;
}

class Series {
  count = 0;
  sum = 0;
  readonly buckets = new Float64Array(DURATION_BUCKETS.length + 1);
  readonly key: string;
  /** Waiting in the changed list for the next collect. */
  changed = false;
  /** False once a reload dropped its group. */
  live = true;

  constructor(labels: RequestSeriesLabels) {
    this.key = seriesKey(labels);
  }

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
    (this.buckets[i] as number)++;
  }
}

interface GroupLabels {
  gateway: string;
  port: number;
  route?: string;
  routeKind?: string;
}

/** The series of one (gateway, port[, route]): one per status class, per error code. */
class Group {
  readonly labels: GroupLabels;
  readonly byClass: (Series | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  readonly byError = new Map<string, (Series | undefined)[]>();

  constructor(labels: GroupLabels) {
    this.labels = labels;
  }

  /** Appends this group's series to `out`. */
  allSeries(out: Series[]): Series[] {
    for (const series of this.byClass) if (series !== undefined) out.push(series);
    for (const row of this.byError.values()) for (const series of row) if (series !== undefined) out.push(series);
    return out;
  }

  seriesFor(statusClass: number, error: string | undefined): Series {
    let row = this.byClass;
    if (error !== undefined) {
      let errorRow = this.byError.get(error);
      if (errorRow === undefined && this.byError.size >= MAX_ERROR_CODES) {
        error = 'other';
        errorRow = this.byError.get(error);
      }
      if (errorRow === undefined) {
        errorRow = [undefined, undefined, undefined, undefined, undefined];
        this.byError.set(error, errorRow);
      }
      row = errorRow;
    }
    return (row[statusClass] ??= new Series({ ...this.labels, statusClass: STATUS_CLASSES[statusClass] as string, error: error ?? '' }));
  }
}

interface PortEntry {
  /** Requests no rule took (404s, bad requests), and every request when no rule lookup is needed. */
  fallback: Group;
  /** Rule name → group, when the group depends on the rule (route labels, or a port shared by Gateways). */
  byRule: Map<string, Group> | undefined;
}

export class RequestMetrics {
  readonly #routeLabels: boolean;
  #groups = new Map<string, Group>();
  #ports = new Map<number, PortEntry>();
  readonly #connectErrors = new Map<string, ConnectErrorSnapshot>();
  #changed: Series[] = [];
  #removed: string[] = [];

  constructor(options: { routeLabels?: boolean } = {}) {
    this.#routeLabels = options.routeLabels ?? false;
  }

  /**
   * Resolves ports and rules to their series for a newly applied IR. Series
   * of gateways, ports and routes still configured keep counting; the others
   * are dropped, so reloads do not grow memory without bound.
   */
  configure(ir: IR): void {
    const previous = this.#groups;
    const groups = new Map<string, Group>();
    const groupFor = (labels: GroupLabels): Group => {
      const key = `${labels.gateway}\n${labels.port}\n${labels.routeKind ?? ''}\n${labels.route ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = previous.get(key) ?? new Group(labels);
        groups.set(key, group);
      }
      return group;
    };
    const route = this.#routeLabels ? { route: '', routeKind: '' } : {};

    const gatewaysByPort = new Map<number, string[]>();
    for (const gateway of ir.gateways) {
      for (const port of gateway.ports) {
        const names = gatewaysByPort.get(port.port) ?? [];
        names.push(`${gateway.namespace}/${gateway.gatewayName}`);
        gatewaysByPort.set(port.port, names);
      }
    }
    const ports = new Map<number, PortEntry>();
    for (const [port, names] of gatewaysByPort) {
      const needsRules = this.#routeLabels || names.length > 1;
      ports.set(port, { fallback: groupFor({ gateway: names.join(','), port, ...route }), byRule: needsRules ? new Map() : undefined });
    }
    // Several Gateways on one port: the first in IR order serves a rule both
    // have, as the data plane's merge does (src/dataplane/proxy/config.ts).
    for (const gateway of ir.gateways) {
      const name = `${gateway.namespace}/${gateway.gatewayName}`;
      for (const port of gateway.ports) {
        const byRule = ports.get(port.port)?.byRule;
        if (byRule === undefined || port.kind !== 'http') continue;
        for (const rule of port.rules) {
          if (byRule.has(rule.name)) continue;
          const routeLabels = this.#routeLabels ? { route: `${rule.route.namespace}/${rule.route.name}`, routeKind: rule.route.kind } : {};
          byRule.set(rule.name, groupFor({ gateway: name, port: port.port, ...routeLabels }));
        }
      }
    }
    for (const [key, group] of previous) {
      if (groups.has(key)) continue;
      for (const series of group.allSeries([])) {
        series.live = false;
        this.#removed.push(series.key);
      }
    }
    this.#groups = groups;
    this.#ports = ports;
  }

  record(info: RequestLogInfo): void {
    const entry = this.#ports.get(info.port) ?? this.#unconfiguredPort(info.port);
    const group = info.rule === undefined || entry.byRule === undefined ? entry.fallback : (entry.byRule.get(info.rule) ?? entry.fallback);
    const status = info.status;
    const statusClass = status < 200 ? 0 : status >= 500 ? 4 : ((status / 100) | 0) - 1;
    const series = group.seriesFor(statusClass, info.error);
    series.observe(info.durationMs / 1000);
    if (!series.changed) {
      series.changed = true;
      this.#changed.push(series);
    }
    if (info.error !== undefined && CONNECT_ERRORS.has(info.error)) this.#countConnectError(info.backend ?? '', info.error);
  }

  /** The counts to hand over: every series (`full`), or those changed since the last collect. */
  collect(full: boolean): MetricsUpdate {
    const series: SeriesUpdate[] = [];
    if (full) {
      const all: Series[] = [];
      for (const group of this.#groups.values()) group.allSeries(all);
      for (const entry of all) series.push(encode(entry));
    } else {
      for (const entry of this.#changed) if (entry.live) series.push(encode(entry));
    }
    for (const entry of this.#changed) entry.changed = false;
    const removed = full ? [] : this.#removed;
    this.#changed = [];
    this.#removed = [];
    return { full, series, removed, connectErrors: [...this.#connectErrors.values()].map((entry) => ({ ...entry })) };
  }

  /** A port the current IR does not list (still draining after a reload): counted without a gateway. */
  #unconfiguredPort(port: number): PortEntry {
    const route = this.#routeLabels ? { route: '', routeKind: '' } : {};
    const entry: PortEntry = { fallback: new Group({ gateway: '', port, ...route }), byRule: undefined };
    this.#groups.set(`\n${port}\n\n`, entry.fallback);
    this.#ports.set(port, entry);
    return entry;
  }

  #countConnectError(backend: string, error: string): void {
    let key = `${backend}\n${error}`;
    let entry = this.#connectErrors.get(key);
    if (entry === undefined && this.#connectErrors.size >= MAX_CONNECT_ERROR_SERIES) {
      backend = 'other';
      key = `${backend}\n${error}`;
      entry = this.#connectErrors.get(key);
    }
    if (entry !== undefined) entry.count++;
    else this.#connectErrors.set(key, { backend, error, count: 1 });
  }
}

function encode(series: Series): SeriesUpdate {
  const buckets: number[] = [];
  const counts = series.buckets;
  for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) buckets.push(i, counts[i] as number);
  return [series.key, series.count, series.sum, buckets];
}
