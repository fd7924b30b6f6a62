// One scenario, end to end: start the backend (nginx, load core), start and check
// each proxy (proxy core), warm each up, then measure in interleaved rounds so
// slow drift of the machine (thermal, other tenants) spreads over all proxies.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runWrk } from './load/wrk.ts';
import type { LoadResult } from './load/wrk.ts';
import { PROXIES, writeFiles } from './proxies/index.ts';
import type { ProxyDefinition } from './proxies/index.ts';
import { nginxArgs, nginxBackendConfig } from './proxies/nginx.ts';
import { routeTable } from './routes.ts';
import type { RouteTable } from './routes.ts';
import type { Load, Scenario } from './scenarios.ts';
import { freePort, startPinned, waitForPort } from './system.ts';
import type { Pinned } from './system.ts';
import { waitForRouting } from './verify.ts';

/** The proxy under test gets core 0 to itself; wrk and the backend share core 1. */
export const CORES = { proxy: '0', load: '1' } as const;

export interface MeasureOptions {
  tools: Record<string, string>;
  /** The bench's temporary directory. */
  dir: string;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  proxies: ProxyDefinition['name'][];
  progress: (line: string) => void;
}

export interface ProxyOutcome {
  proxy: string;
  runs: LoadResult[];
  /** Why the proxy was not measured. */
  skipped?: string;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  proxies: ProxyOutcome[];
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

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((line) => `    | ${line}`).join('\n');
}

async function startBackend(dir: string, tools: Record<string, string>, body: Buffer): Promise<{ port: number; process: Pinned }> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'body.bin'), body);
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), nginxBackendConfig(dir, port));
  const process = startPinned(CORES.load, tools.nginx as string, nginxArgs(dir, join(dir, 'nginx.conf')), { logFile: join(dir, 'output.log') });
  if (!(await waitForPort(port, 10_000, process.exited))) {
    await process.stop();
    throw new Error(`the nginx backend did not start:\n${await tail(join(dir, 'output.log'))}\n${await tail(join(dir, 'error.log'))}`);
  }
  return { port, process };
}

async function startProxy(definition: ProxyDefinition, scenarioDir: string, backendPort: number, routes: RouteTable, body: Buffer, tools: Record<string, string>): Promise<Running | string> {
  const dir = join(scenarioDir, definition.name);
  await mkdir(dir, { recursive: true });
  const setup = { dir, listenPort: await freePort(), backendPort, routes };
  await writeFiles(dir, definition.files(setup));
  const launch = definition.launch(setup, tools);
  const logFile = join(dir, 'output.log');
  const process = startPinned(CORES.proxy, launch.command, launch.args, { logFile, env: launch.env, cwd: launch.cwd });
  const seconds = definition.startupMs / 1000;
  if (!(await waitForPort(setup.listenPort, definition.startupMs, process.exited))) {
    const how = process.exited()
      ? `did not come up: \`${[launch.command, ...launch.args].join(' ')}\` exited (${process.child.exitCode ?? process.child.signalCode})`
      : `did not accept connections on :${setup.listenPort} within ${seconds} s`;
    await process.stop();
    return `${how}; its output:\n${await tail(logFile)}`;
  }
  try {
    await waitForRouting(setup.listenPort, routes, body, definition.startupMs);
  } catch (error) {
    await process.stop();
    return `does not route like the others: ${error instanceof Error ? error.message : String(error)}; its output:\n${await tail(logFile)}`;
  }
  return { definition, port: setup.listenPort, process };
}

function applyLoad(load: Load, options: MeasureOptions, port: number, routes: RouteTable, seconds: number): Promise<LoadResult> {
  switch (load.tool) {
    case 'wrk':
      return runWrk({ wrk: options.tools.wrk as string, cores: CORES.load, port, host: routes.hostname, paths: routes.requestPaths, connections: load.connections, seconds, dir: options.dir });
  }
}

export async function measureScenario(scenario: Scenario, options: MeasureOptions): Promise<ScenarioOutcome> {
  const scenarioDir = join(options.dir, scenario.id);
  const body = backendBody(scenario.bodyBytes);
  const routes = routeTable(scenario.routes);
  const backend = await startBackend(join(scenarioDir, 'backend'), options.tools, body);
  const outcomes = new Map<string, ProxyOutcome>();
  const running: Running[] = [];
  try {
    for (const definition of PROXIES.filter((proxy) => options.proxies.includes(proxy.name))) {
      const started = await startProxy(definition, scenarioDir, backend.port, routes, body, options.tools);
      if (typeof started === 'string') {
        outcomes.set(definition.name, { proxy: definition.name, runs: [], skipped: started });
        options.progress(`  ${definition.name}: skipped — ${started}`);
      } else {
        running.push(started);
        outcomes.set(definition.name, { proxy: definition.name, runs: [] });
      }
    }
    for (const proxy of running) await applyLoad(scenario.load, options, proxy.port, routes, options.warmupSeconds);
    for (let round = 0; round < options.rounds; round++) {
      // Rotate who goes first, so no proxy always runs right after the same neighbour.
      const order = running.map((_, i) => running[(i + round) % running.length] as Running);
      for (const proxy of order) {
        const outcome = outcomes.get(proxy.definition.name) as ProxyOutcome;
        if (proxy.process.exited()) {
          outcome.skipped ??= `exited during the measurement; its output:\n${await tail(join(scenarioDir, proxy.definition.name, 'output.log'))}`;
          continue;
        }
        const result = await applyLoad(scenario.load, options, proxy.port, routes, options.seconds);
        outcome.runs.push(result);
        options.progress(`  round ${round + 1}/${options.rounds} ${proxy.definition.name.padEnd(8)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(9)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${result.socketErrors + result.badStatuses > 0 ? `  errors ${result.socketErrors + result.badStatuses}` : ''}`);
      }
    }
  } finally {
    await Promise.all(running.map((proxy) => proxy.process.stop()));
    await backend.process.stop();
  }
  return { scenario, proxies: [...outcomes.values()] };
}
