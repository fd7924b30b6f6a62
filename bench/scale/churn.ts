// 5,000 HTTPRoutes over 50 namespaces under continual churn: a few routes
// rewritten every second (their response header filter changes, so traffic is
// unaffected), and once a second a measured change (a route's path moves; the
// clock runs from the write until the new path is served). A steady client
// sends requests over the first thousand routes meanwhile; every Portico
// process's CPU and memory are sampled throughout.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProbe } from '../change/probe.ts';
import { startTrackingBackend } from '../change/backends.ts';
import { runOpenLoop } from '../load/open-loop.ts';
import type { OpenLoopResult } from '../load/open-loop.ts';
import { startPortico } from '../portico-process.ts';
import type { ReloadLog } from '../portico-process.ts';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';
import { freePort, sleep } from '../system.ts';
import { baseFiles, routeFile, routePath, scaleRouteYaml, writeFiles, writeRoutes } from './manifests.ts';
import { heapUsedBytes, sampleUsage } from './sampler.ts';
import type { UsageSummary } from './sampler.ts';

/** A measured change slower than this is printed with its file and time. */
const SLOW_CHANGE_MS = 50;

export interface ChurnOptions {
  dir: string;
  cores: string;
  workers: number;
  routes: number;
  namespaces: number;
  seconds: number;
  /** Background rewrites per second. */
  churnPerSecond: number;
  /** Steady client requests per second. */
  rate: number;
  progress(line: string): void;
}

export interface ChurnResult {
  routes: number;
  namespaces: number;
  loadSeconds: number;
  usage: UsageSummary;
  /** Write → served, for the measured changes. */
  changeMs: Percentiles;
  unserved: number;
  backgroundWrites: number;
  /** The primary's V8 heap in use, sampled every few seconds (undefined if /metrics lacks it). */
  heapUsed: { maxBytes: number; lastBytes: number } | undefined;
  /** Portico's own translate + apply time per reload during the churn, from its log. */
  reloadWorkMs: Percentiles;
  steady: OpenLoopResult;
}

const HOST = 'bench.example';

export async function measureChurn(options: ChurnOptions): Promise<ChurnResult> {
  const configDir = join(options.dir, 'churn', 'config');
  await mkdir(configDir, { recursive: true });
  const backend = await startTrackingBackend('app');
  const port = await freePort();
  await writeFiles(configDir, baseFiles(port, options.namespaces, backend.port));
  await writeRoutes(configDir, options.routes, options.namespaces);
  const started = performance.now();
  const portico = await startPortico({ configDir, cores: options.cores, workers: options.workers, logFile: join(options.dir, 'churn', 'portico.log'), readyDeadlineMs: 600_000 });
  const loadSeconds = (performance.now() - started) / 1000;
  options.progress(`    ${options.routes} routes loaded and serving in ${loadSeconds.toFixed(2)} s`);
  const probe = createProbe(port, HOST);
  const abort = new AbortController();
  try {
    const steadyRoutes = Math.min(1000, Math.floor(options.routes / 2));
    const steady = runOpenLoop({ port, host: HOST, paths: Array.from({ length: steadyRoutes }, (_, i) => `${routePath(i)}x`), rate: options.rate, signal: abort.signal, connections: 8 });
    const usage = sampleUsage(portico.pid);
    const reloadsBefore = (await portico.reloads()).length;
    const changes: number[] = [];
    let unserved = 0;
    let backgroundWrites = 0;
    let heapUsed: { maxBytes: number; lastBytes: number } | undefined;
    const sampleHeap = async (): Promise<void> => {
      const bytes = await heapUsedBytes(portico);
      if (bytes !== undefined) heapUsed = { maxBytes: Math.max(heapUsed?.maxBytes ?? 0, bytes), lastBytes: bytes };
    };
    const end = performance.now() + options.seconds * 1000;
    // Background churn on its own timer, over the steady client's routes (their
    // filter changes, their paths stay); measured changes one at a time on the others.
    const churn = setInterval(() => {
      const i = Math.floor(Math.random() * steadyRoutes);
      backgroundWrites++;
      void writeFile(join(configDir, routeFile(i, options.namespaces)), scaleRouteYaml(i, options.namespaces, { filterVersion: backgroundWrites })).catch(() => undefined);
    }, 1000 / options.churnPerSecond);
    try {
      for (let change = 1; performance.now() < end; change++) {
        const i = steadyRoutes + Math.floor(Math.random() * (options.routes - steadyRoutes));
        const next = performance.now() + 1000;
        const start = performance.now();
        const startedAt = new Date().toISOString();
        await writeFile(join(configDir, routeFile(i, options.namespaces)), scaleRouteYaml(i, options.namespaces, { pathVersion: change }));
        const served = await probe.until(`${routePath(i, change)}x`, (answer) => answer.status === 200, 10_000);
        if (served.at === undefined) unserved++;
        else {
          changes.push(served.at - start);
          // Named, so that Portico's log (--keep) can tell what ran meanwhile.
          if (served.at - start > SLOW_CHANGE_MS) options.progress(`    slow change: ${routeFile(i, options.namespaces)} written at ${startedAt}, served after ${(served.at - start).toFixed(1)} ms`);
        }
        if (change % 5 === 0) await sampleHeap();
        if (change % 10 === 0) options.progress(`    ${change} measured changes: p50 ${percentiles(changes).p50.toFixed(1)} ms`);
        await sleep(Math.max(0, next - performance.now()));
      }
    } finally {
      clearInterval(churn);
    }
    await sampleHeap();
    const summary = usage.stop();
    abort.abort();
    const reloads: ReloadLog[] = (await portico.reloads()).slice(reloadsBefore);
    return {
      routes: options.routes,
      namespaces: options.namespaces,
      loadSeconds,
      usage: summary,
      changeMs: percentiles(changes),
      unserved,
      backgroundWrites,
      heapUsed,
      reloadWorkMs: percentiles(reloads.map((reload) => reload.translateMs + reload.applyMs)),
      steady: await steady,
    };
  } finally {
    abort.abort();
    probe.close();
    await portico.stop();
    await backend.close();
  }
}
