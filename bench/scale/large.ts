// 40,000 routes: how long Portico takes to load them and serve, how long one
// change takes to be served, what a route costs in memory ((RSS with N routes −
// RSS with one) / (N − 1)), and how many Prometheus series /metrics has with one
// route and with all of them, each after the same few requests (label
// cardinality must not grow with routes). With ListenerSets (once Portico
// reports status for them), one file each, and how long a ListenerSet edit
// takes to be served.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProbe } from '../change/probe.ts';
import type { Probe } from '../change/probe.ts';
import { startTrackingBackend } from '../change/backends.ts';
import { countSeries, startPortico } from '../portico-process.ts';
import type { PorticoProcess } from '../portico-process.ts';
import { porticoCheckJson } from '../proxies/portico-check.ts';
import { REPOSITORY } from '../proxies/index.ts';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';
import { freePort } from '../system.ts';
import { allowListenerSets, baseFiles, listenerSetFile, listenerSetHost, listenerSetPath, listenerSetRouteYaml, listenerSetYaml, routeFile, routePath, scaleRouteYaml, writeFiles, writeRoutes } from './manifests.ts';
import { heapUsedBytes, settledRss } from './sampler.ts';

export interface LargeOptions {
  dir: string;
  cores: string;
  workers: number;
  routes: number;
  namespaces: number;
  listenerSets: number;
  changes: number;
  progress(line: string): void;
}

export interface LargeResult {
  routes: number;
  /** Start of `portico serve` → /readyz answers 200. */
  loadSeconds: number;
  /** Start → the last route answers. */
  firstServeSeconds: number;
  changeMs: Percentiles;
  /** A ListenerSet's listener edited, write → its route served on the new hostname (none without ListenerSets). */
  listenerSetChangeMs: Percentiles | undefined;
  /** The baseline: the same configuration with one route. */
  rssOneRouteBytes: number;
  rssBytes: number;
  /** The primary's V8 heap in use with one route and with all of them (undefined if /metrics lacks it). */
  heapUsedOneRouteBytes: number | undefined;
  heapUsedBytes: number | undefined;
  bytesPerRoute: number;
  seriesOneRoute: number;
  series: number;
  families: number;
  listenerSets: number | { skipped: string };
}

const HOST = 'bench.example';

/** Whether Portico serves ListenerSets yet: `portico check` must report one as Accepted. */
async function listenerSetProblem(dir: string, port: number): Promise<string | undefined> {
  const probeDir = join(dir, 'listenerset-probe');
  await mkdir(probeDir, { recursive: true });
  await writeFile(join(probeDir, 'all.yaml'), `${allowListenerSets(baseFiles(port, 1, 1)['gateway.yaml'] ?? '')}---\n${listenerSetYaml(0, port)}`);
  const entries = JSON.parse(await porticoCheckJson(REPOSITORY, probeDir)) as { kind: string; status?: { conditions?: { type: string; status: string; reason?: string }[] } }[];
  const listenerSet = entries.find((entry) => entry.kind === 'ListenerSet');
  if (!listenerSet) return 'portico check reports no status for a ListenerSet';
  const accepted = listenerSet.status?.conditions?.find((condition) => condition.type === 'Accepted');
  return accepted?.status === 'True' ? undefined : `a ListenerSet is Accepted=${accepted?.status ?? 'missing'} ${accepted?.reason ?? ''}`.trim();
}

/** The series after the same few requests (some answered, some 404), so both counts include request metrics. */
async function seriesAfterTraffic(portico: PorticoProcess, probe: Probe): Promise<{ series: number; families: number }> {
  for (let i = 0; i < 10; i++) {
    await probe.get(`${routePath(0)}x`).catch(() => undefined);
    await probe.get('/nowhere').catch(() => undefined);
  }
  const metrics = await portico.admin('/metrics');
  return metrics.status === 200 ? countSeries(metrics.body) : { series: 0, families: 0 };
}

export async function measureLarge(options: LargeOptions): Promise<LargeResult> {
  const backend = await startTrackingBackend('app');
  const port = await freePort();
  try {
    const skipListenerSets = options.listenerSets > 0 ? await listenerSetProblem(options.dir, port) : 'none asked for';
    if (skipListenerSets && options.listenerSets > 0) options.progress(`    ListenerSets: skipped — not supported yet (${skipListenerSets})`);
    const base = baseFiles(port, options.namespaces, backend.port);
    // The ListenerSets edited in the measured ListenerSet changes, each with a route of its own.
    const editedSets = skipListenerSets ? [] : Array.from({ length: options.changes }, (_, k) => Math.floor(((k + 1) * options.listenerSets) / (options.changes + 1)));
    if (!skipListenerSets) {
      base['gateway.yaml'] = allowListenerSets(base['gateway.yaml'] ?? '');
      for (let j = 0; j < options.listenerSets; j++) base[listenerSetFile(j)] = listenerSetYaml(j, port);
      base[join('team-0', 'listenerset-routes.yaml')] = editedSets.map(listenerSetRouteYaml).join('---\n');
    }

    // Memory and series with one route: the baseline.
    const oneDir = join(options.dir, 'large-one', 'config');
    await writeFiles(oneDir, base);
    await writeRoutes(oneDir, 1, options.namespaces);
    const one = await startPortico({ configDir: oneDir, cores: options.cores, workers: options.workers, logFile: join(options.dir, 'large-one', 'portico.log') });
    const oneProbe = createProbe(port, HOST);
    let rssOneRouteBytes: number;
    let seriesOneRoute: number;
    let heapUsedOneRouteBytes: number | undefined;
    try {
      seriesOneRoute = (await seriesAfterTraffic(one, oneProbe)).series;
      rssOneRouteBytes = await settledRss(one.pid);
      heapUsedOneRouteBytes = await heapUsedBytes(one);
    } finally {
      oneProbe.close();
      await one.stop();
    }

    const configDir = join(options.dir, 'large', 'config');
    await writeFiles(configDir, base);
    const writeStart = performance.now();
    await writeRoutes(configDir, options.routes, options.namespaces);
    options.progress(`    ${options.routes} route files written in ${((performance.now() - writeStart) / 1000).toFixed(1)} s; starting Portico`);
    const started = performance.now();
    const portico = await startPortico({ configDir, cores: options.cores, workers: options.workers, logFile: join(options.dir, 'large', 'portico.log'), readyDeadlineMs: 900_000 });
    const loadSeconds = (performance.now() - started) / 1000;
    const probe = createProbe(port, HOST);
    try {
      const last = options.routes - 1;
      const served = await probe.until(`${routePath(last)}x`, (answer) => answer.status === 200, 60_000);
      if (served.at === undefined) throw new Error(`the last route (${routePath(last)}) was not served within 60 s of readiness`);
      const firstServeSeconds = (served.at - started) / 1000;
      options.progress(`    ready in ${loadSeconds.toFixed(2)} s, last route served ${firstServeSeconds.toFixed(2)} s after start`);
      const changes: number[] = [];
      for (let change = 1; change <= options.changes; change++) {
        const i = Math.floor((change * options.routes) / (options.changes + 1));
        const start = performance.now();
        await writeFile(join(configDir, routeFile(i, options.namespaces)), scaleRouteYaml(i, options.namespaces, { pathVersion: change }));
        const seen = await probe.until(`${routePath(i, change)}x`, (answer) => answer.status === 200, 60_000);
        if (seen.at !== undefined) changes.push(seen.at - start);
      }
      // A ListenerSet edit: its listener's hostname changes; the clock runs until its route answers on the new one.
      const setChanges: number[] = [];
      for (const [k, j] of editedSets.entries()) {
        const version = k + 1;
        const start = performance.now();
        await writeFile(join(configDir, listenerSetFile(j)), listenerSetYaml(j, port, version));
        const seen = await probe.until(`${listenerSetPath(j)}x`, (answer) => answer.status === 200, 60_000, { host: listenerSetHost(j, version) });
        if (seen.at !== undefined) setChanges.push(seen.at - start);
      }
      const { series, families } = await seriesAfterTraffic(portico, probe);
      const rssBytes = await settledRss(portico.pid);
      const heapUsed = await heapUsedBytes(portico);
      return {
        routes: options.routes,
        loadSeconds,
        firstServeSeconds,
        changeMs: percentiles(changes),
        listenerSetChangeMs: editedSets.length > 0 ? percentiles(setChanges) : undefined,
        rssOneRouteBytes,
        rssBytes,
        heapUsedOneRouteBytes,
        heapUsedBytes: heapUsed,
        bytesPerRoute: (rssBytes - rssOneRouteBytes) / Math.max(1, options.routes - 1),
        seriesOneRoute,
        series,
        families,
        listenerSets: skipListenerSets ? { skipped: skipListenerSets } : options.listenerSets,
      };
    } finally {
      probe.close();
      await portico.stop();
    }
  } finally {
    await backend.close();
  }
}
