// One scenario, end to end: start the backend (nginx, load core), start and check
// each proxy (proxy core), warm each up, then measure in interleaved rounds so
// slow drift of the machine (thermal, other tenants) spreads over all proxies.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { OpenLoopResult } from './load/open-loop.ts';
import { describeSelfCheck, medianSelfCheck, openLoopAsLoadResult, runOpenLoopPinned, sustained } from './fixed-rate.ts';
import { runH2load } from './load/h2load.ts';
import { runWrk } from './load/wrk.ts';
import type { LoadResult } from './load/wrk.ts';
import { sampleMemory, summarizeMemory } from './memory.ts';
import type { MemorySummary } from './memory.ts';
import { PROXIES, writeFiles } from './proxies/index.ts';
import type { ProxyDefinition } from './proxies/index.ts';
import { nginxArgs, nginxBackendConfig } from './proxies/nginx.ts';
import { routeTable } from './routes.ts';
import type { ProxySetup, RouteTable } from './routes.ts';
import type { Scenario } from './scenarios.ts';
import { measureTlsScale } from './tls-scale/measure.ts';
import type { TlsScaleFigures } from './tls-scale/measure.ts';
import { freePort, startPinned, waitForPort } from './system.ts';
import type { Pinned } from './system.ts';
import type { TlsFiles } from './tls.ts';
import { waitForRouting } from './verify.ts';
import type { Wire } from './verify.ts';

/** The proxy under test gets core 0 to itself; wrk and the backend share core 1. */
export const CORES = { proxy: '0', load: '1' } as const;

/** Where each part runs: one core each (pinned), or both cores shared by everything with two workers per proxy. */
export interface Placement {
  proxyCores: string;
  loadCores: string;
  workers: number;
  loadThreads: number;
}

export function placementFor(scenario: Scenario): Placement {
  return scenario.cores === 2
    ? { proxyCores: '0,1', loadCores: '0,1', workers: 2, loadThreads: 2 }
    : { proxyCores: CORES.proxy, loadCores: CORES.load, workers: 1, loadThreads: 1 };
}

export interface MeasureOptions {
  tools: Record<string, string>;
  /** The bench's temporary directory. */
  dir: string;
  rounds: number;
  seconds: number;
  /** 0: no warm-up. */
  warmupSeconds: number;
  /** Length of the soak. */
  soakSeconds: number;
  proxies: ProxyDefinition['name'][];
  /** The run's test certificate (for TLS scenarios). */
  tls: TlsFiles | undefined;
  progress: (line: string) => void;
}

export interface ProxyOutcome {
  proxy: string;
  runs: LoadResult[];
  /** Why the proxy was not measured. */
  skipped?: string;
  /** Soak: the proxy's memory over the run. */
  memory?: MemorySummary;
  /** TLS scale scenario: its own figures (runs hold the warm N-name handshake rounds). */
  tlsScale?: TlsScaleFigures;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  proxies: ProxyOutcome[];
  /** Facts about the run the table should show (the fixed rate and how it was found). */
  notes?: string[];
  /** Fixed-rate scenario: the rate every proxy was driven at, and whether the generator sustained it alone. */
  fixedRate?: { capacity: number; rate: number; generatorSustained: boolean };
}

interface Running {
  definition: ProxyDefinition;
  port: number;
  process: Pinned;
}

/** A backend body of the given size (printable, so a curl shows it). */
export function backendBody(size: number): Buffer {
  const line = Buffer.from('portico bench backend body............................\n');
  return Buffer.from(Array.from({ length: size }, (_, i) => line[i % line.length] as number));
}

export async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((line) => `    | ${line}`).join('\n');
}

/** The line of a failed program's output that says why, for one-line summaries: its error message, else its first line. */
export function reasonLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.find((line) => /^[\w.]*Error\b|^Unknown option|Assertion .*failed|FATAL ERROR/.test(line)) ?? lines[0] ?? '(no output)';
}

async function firstLine(file: string): Promise<string> {
  return reasonLine(await readFile(file, 'utf8').catch(() => ''));
}

export async function startBackend(dir: string, tools: Record<string, string>, body: Buffer, placement: Placement): Promise<{ port: number; process: Pinned }> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'body.bin'), body);
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), nginxBackendConfig(dir, port, placement.workers));
  const process = startPinned(placement.loadCores, tools.nginx as string, nginxArgs(dir, join(dir, 'nginx.conf')), { logFile: join(dir, 'output.log') });
  if (!(await waitForPort(port, 10_000, process.exited))) {
    await process.stop();
    throw new Error(`the nginx backend did not start:\n${await tail(join(dir, 'output.log'))}\n${await tail(join(dir, 'error.log'))}`);
  }
  return { port, process };
}

function wireOf(scenario: Scenario): Wire {
  if (!scenario.tls) return 'http';
  return scenario.http2 ? 'h2' : 'https';
}

async function startProxy(definition: ProxyDefinition, scenario: Scenario, scenarioDir: string, backendPort: number, routes: RouteTable, body: Buffer, options: MeasureOptions): Promise<Running | string> {
  const dir = join(scenarioDir, definition.name);
  await mkdir(dir, { recursive: true });
  const placement = placementFor(scenario);
  const setup: ProxySetup = { dir, listenPort: await freePort(), backendPort, routes, workers: placement.workers, tls: scenario.tls ? options.tls : undefined, http2: scenario.http2 };
  await writeFiles(dir, definition.files(setup));
  const unsupported = await definition.unsupported?.(setup).catch((error: unknown) => {
    // execFile's error carries the program's stderr, where the reason is.
    const stderr = (error as { stderr?: unknown }).stderr;
    const text = `${error instanceof Error ? error.message : String(error)}\n${typeof stderr === 'string' ? stderr : ''}`;
    return `could not ask whether it supports this scenario: ${reasonLine(text)}`;
  });
  if (unsupported !== undefined) return unsupported;
  const launch = definition.launch(setup, options.tools);
  const logFile = join(dir, 'output.log');
  const process = startPinned(placement.proxyCores, launch.command, launch.args, { logFile, env: launch.env, cwd: launch.cwd });
  const seconds = definition.startupMs / 1000;
  if (!(await waitForPort(setup.listenPort, definition.startupMs, process.exited))) {
    const how = process.exited()
      ? `did not come up: \`${[basename(launch.command), ...launch.args].join(' ').replaceAll(options.dir, '$BENCH_TMP')}\` exited (${process.child.exitCode ?? process.child.signalCode}): ${await firstLine(logFile)}`
      : `did not accept connections on :${setup.listenPort} within ${seconds} s`;
    await process.stop();
    return `${how}; its output:\n${await tail(logFile)}`;
  }
  try {
    await waitForRouting(setup.listenPort, routes, body, definition.startupMs, wireOf(scenario));
  } catch (error) {
    const crashed = process.exited();
    await process.stop();
    if (crashed) return `exited while its routing was checked (${process.child.exitCode ?? process.child.signalCode}): ${await firstLine(logFile)}; its output:\n${await tail(logFile)}`;
    return `does not route like the others: ${error instanceof Error ? error.message : String(error)}; its output:\n${await tail(logFile)}`;
  }
  return { definition, port: setup.listenPort, process };
}

/** One measured run of the scenario's load against `port` (the fixed-rate load needs the rate found for this run). */
async function applyLoad(scenario: Scenario, options: MeasureOptions, port: number, routes: RouteTable, seconds: number, rate?: number): Promise<LoadResult> {
  const { load } = scenario;
  const placement = placementFor(scenario);
  const wrk = (connections: number, extra: { newConnectionPerRequest?: boolean } = {}): Promise<LoadResult> =>
    runWrk({ wrk: options.tools.wrk as string, cores: placement.loadCores, threads: placement.loadThreads, port, host: routes.hostname, paths: routes.requestPaths, connections, seconds, dir: options.dir, tls: scenario.tls, ...extra });
  switch (load.tool) {
    case 'wrk':
      return wrk(load.connections, { newConnectionPerRequest: load.newConnectionPerRequest });
    case 'soak':
      return wrk(load.connections);
    case 'h2load':
      return runH2load({ h2load: options.tools.h2load as string, cores: placement.loadCores, threads: placement.loadThreads, port, host: routes.hostname, path: routes.requestPaths[0] ?? '/', connections: load.connections, streams: load.streams, seconds, dir: options.dir });
    case 'tls-scale':
      throw new Error('the TLS scale scenario runs its own loads (tls-scale/measure.ts)');
    case 'fixed-rate':
      // Warm-ups (no rate yet) run closed-loop like the capacity measurement.
      if (rate === undefined) return wrk(load.capacityConnections);
      return openLoopAsLoadResult(await runOpenLoopPinned(placement.loadCores, { port, host: routes.hostname, paths: routes.requestPaths, rate, seconds, warmupSeconds: FIXED_RATE_WARMUP_SECONDS }));
  }
}

function progressLine(round: string, proxy: string, result: LoadResult): string {
  const errors = result.socketErrors + result.badStatuses;
  const p999 = result.p999Ms === undefined || Number.isNaN(result.p999Ms) ? '' : `  p999 ${result.p999Ms.toFixed(2)} ms`;
  return `  ${round} ${proxy.padEnd(8)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(9)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${p999}${errors > 0 ? `  errors ${errors}` : ''}`;
}

/** Each fixed-rate run first runs this long unrecorded: a fresh generator process needs it (open-loop.ts). */
const FIXED_RATE_WARMUP_SECONDS = 2;

/** The fixed-rate scenario's rate: a share of nginx's closed-loop capacity measured now, and the generator's own check. */
async function planFixedRate(scenario: Scenario, options: MeasureOptions, running: Running[], routes: RouteTable, backendPort: number): Promise<ScenarioOutcome['fixedRate'] & { notes: string[] }> {
  if (scenario.load.tool !== 'fixed-rate') throw new Error('not a fixed-rate scenario');
  const nginx = running.find((proxy) => proxy.definition.name === 'nginx');
  if (!nginx) throw new Error('the fixed-rate scenario needs nginx in the run: its capacity sets the rate');
  const capacityRun = await applyLoad(scenario, options, nginx.port, routes, options.seconds);
  const capacity = capacityRun.requestsPerSecond;
  const rate = Math.max(1, Math.round(capacity * scenario.load.share));
  const placement = placementFor(scenario);
  // Once per round, like the proxies, and judged by the median run.
  const checks: OpenLoopResult[] = [];
  for (let round = 0; round < options.rounds; round++) {
    checks.push(await runOpenLoopPinned(placement.loadCores, { port: backendPort, host: routes.hostname, paths: routes.requestPaths, rate, seconds: options.seconds, warmupSeconds: FIXED_RATE_WARMUP_SECONDS }));
  }
  const selfCheck = medianSelfCheck(checks);
  const notes = [
    `nginx's capacity in this run (wrk, ${scenario.load.capacityConnections} connections, ${options.seconds} s): ${Math.round(capacity).toLocaleString('en-US')} req/s; every proxy is driven at ${Math.round(scenario.load.share * 100)}% of it: ${rate.toLocaleString('en-US')} req/s`,
    describeSelfCheck(rate, selfCheck, checks),
  ];
  for (const note of notes) options.progress(`  ${note}`);
  return { capacity, rate, generatorSustained: sustained(selfCheck), notes };
}

export async function measureScenario(scenario: Scenario, options: MeasureOptions): Promise<ScenarioOutcome> {
  if (scenario.load.tool === 'tls-scale') return measureTlsScale(scenario, options);
  const scenarioDir = join(options.dir, scenario.id);
  const body = backendBody(scenario.bodyBytes);
  const routes = routeTable(scenario.routes, scenario.requestPaths);
  const backend = await startBackend(join(scenarioDir, 'backend'), options.tools, body, placementFor(scenario));
  const outcomes = new Map<string, ProxyOutcome>();
  const running: Running[] = [];
  const result: ScenarioOutcome = { scenario, proxies: [] };
  const soak = scenario.load.tool === 'soak';
  try {
    const wanted = PROXIES.filter((proxy) => options.proxies.includes(proxy.name) && (scenario.only?.includes(proxy.name) ?? true));
    for (const definition of wanted) {
      const started = await startProxy(definition, scenario, scenarioDir, backend.port, routes, body, options);
      if (typeof started === 'string') {
        outcomes.set(definition.name, { proxy: definition.name, runs: [], skipped: started });
        options.progress(`  ${definition.name}: skipped — ${started}`);
      } else {
        running.push(started);
        outcomes.set(definition.name, { proxy: definition.name, runs: [] });
      }
    }
    if (options.warmupSeconds > 0) for (const proxy of running) await applyLoad(scenario, options, proxy.port, routes, options.warmupSeconds);
    let rate: number | undefined;
    if (scenario.load.tool === 'fixed-rate' && running.length > 0) {
      const plan = await planFixedRate(scenario, options, running, routes, backend.port);
      rate = plan.rate;
      result.fixedRate = { capacity: plan.capacity, rate: plan.rate, generatorSustained: plan.generatorSustained };
      result.notes = plan.notes;
    }
    // The soak is one long run per proxy; the others interleave rounds.
    const rounds = soak ? 1 : options.rounds;
    const seconds = soak ? options.soakSeconds : options.seconds;
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first, so no proxy always runs right after the same neighbour.
      const order = running.map((_, i) => running[(i + round) % running.length] as Running);
      for (const proxy of order) {
        const outcome = outcomes.get(proxy.definition.name) as ProxyOutcome;
        if (proxy.process.exited()) {
          outcome.skipped ??= `exited during the measurement; its output:\n${await tail(join(scenarioDir, proxy.definition.name, 'output.log'))}`;
          continue;
        }
        const sampler = soak && proxy.process.child.pid !== undefined ? sampleMemory(proxy.process.child.pid) : undefined;
        const run = await applyLoad(scenario, options, proxy.port, routes, seconds, rate);
        if (sampler) outcome.memory = summarizeMemory(sampler.stop());
        outcome.runs.push(run);
        options.progress(progressLine(`round ${round + 1}/${rounds}`, proxy.definition.name, run));
      }
    }
  } finally {
    await Promise.all(running.map((proxy) => proxy.process.stop()));
    await backend.process.stop();
  }
  result.proxies = [...outcomes.values()];
  return result;
}
