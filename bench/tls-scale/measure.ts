// The TLS scale scenario (https-5000-certs): every proxy serves N tenant
// hostnames, each with its own certificate, on one TLS port, and a second
// copy of it serves one. Measured, per proxy:
// - new-connection handshakes/s with the server name spread over all N names,
//   cold (each name once, right after start: Portico builds each context at
//   its first handshake) and warm (interleaved rounds), against the same load
//   on one name;
// - memory with N certificates and with 1, before and after every name was
//   handshaken once (memory per certificate);
// - how long a renewed certificate takes to reach new connections.
// The handshake client runs pinned on the load core; the proxy's CPU share
// during each run says whether the proxy or the client was the limit.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LoadResult } from '../load/wrk.ts';
import { backendBody, CORES, startBackend } from '../measure.ts';
import type { MeasureOptions, ProxyOutcome, ScenarioOutcome } from '../measure.ts';
import { REPOSITORY } from '../proxies/index.ts';
import type { ProxyName, Scenario } from '../scenarios.ts';
import { runPinned } from '../system.ts';
import type { HandshakeOptions, HandshakeResult } from './handshake-client.ts';
import type { HandshakeMainOptions } from './handshake-main.ts';
import { CHANGE_DEADLINE_MS, startInstance } from './instances.ts';
import type { Instance } from './instances.ts';
import { treeMemory } from './memory.ts';
import type { TreeMemory } from './memory.ts';
import { makeTenants } from './tenants.ts';

/** A handshake run with the proxy's share of its core during it. */
export interface HandshakeRun extends HandshakeResult {
  proxyBusy: number;
}

/** What the TLS scale scenario measured for one proxy. */
export interface TlsScaleFigures {
  certificates: number;
  startSeconds: { one: number; many: number };
  /** Memory with one certificate; with N once started; with N after the cold pass. */
  memory: { one: TreeMemory; manyLoaded: TreeMemory; manyHandshaken: TreeMemory };
  cold: HandshakeRun;
  oneName: HandshakeRun[];
  manyNames: HandshakeRun[];
  /** Milliseconds from renewal to the new certificate on new connections (undefined: not seen within CHANGE_DEADLINE_MS); absent: not measured. */
  changeMs?: (number | undefined)[];
  changeNote?: string;
}

const CONCURRENCY = 32;
const START_ONE_MS = 20_000;
/** Portico translates N ListenerSets, Secrets and routes before it binds; nginx and HAProxy read N certificates. */
const START_MANY_MS = 180_000;

async function handshakes(instance: Instance, options: Omit<HandshakeOptions, 'port' | 'names' | 'concurrency'>): Promise<HandshakeRun> {
  const node = join(REPOSITORY, 'node_modules', '.bin', 'node');
  const pid = instance.process.child.pid ?? 0;
  const before = treeMemory(pid).cpuSeconds;
  const main: HandshakeMainOptions = { ...options, port: instance.port, namesFile: instance.namesFile, concurrency: CONCURRENCY };
  const run = await runPinned(CORES.load, node, [join(REPOSITORY, 'bench', 'tls-scale', 'handshake-main.ts'), JSON.stringify(main)]);
  if (run.code !== 0) throw new Error(`the handshake client exited with ${run.code}: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as HandshakeResult;
  return { ...result, proxyBusy: (treeMemory(pid).cpuSeconds - before) / result.seconds };
}

/** A warm run as a row of the results table ("req/s" is handshakes/s). */
function asLoadResult(run: HandshakeRun): LoadResult {
  return {
    requests: run.handshakes, seconds: run.seconds, requestsPerSecond: run.perSecond,
    p50Ms: run.latencyMs.p50, p90Ms: Number.NaN, p99Ms: run.latencyMs.p99, maxMs: Number.NaN,
    socketErrors: run.failures + run.wrongCertificates, badStatuses: 0,
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_000));

interface Pair {
  proxy: ProxyName;
  one: Instance;
  many: Instance;
  figures: Partial<TlsScaleFigures> & { oneName: HandshakeRun[]; manyNames: HandshakeRun[] };
}

export async function measureTlsScale(scenario: Scenario, options: MeasureOptions): Promise<ScenarioOutcome> {
  if (scenario.load.tool !== 'tls-scale') throw new Error('not a TLS scale scenario');
  const { certificates } = scenario.load;
  const scenarioDir = join(options.dir, scenario.id);
  const made = performance.now();
  const set = await makeTenants(join(scenarioDir, 'certificates'), certificates);
  const notes = [`${certificates.toLocaleString('en-US')} tenant certificates (ECDSA P-256, one CA) made in ${((performance.now() - made) / 1000).toFixed(1)} s; ${CONCURRENCY} handshakes in flight, each connection closed once its handshake completes, TLS 1.3, no resumption`];
  options.progress(`  ${notes[0] ?? ''}`);
  const body = backendBody(scenario.bodyBytes);
  const backend = await startBackend(join(scenarioDir, 'backend'), options.tools, body, { proxyCores: CORES.proxy, loadCores: CORES.load, workers: 1, loadThreads: 1 });
  const outcomes = new Map<string, ProxyOutcome>();
  const pairs: Pair[] = [];
  try {
    for (const proxy of options.proxies) {
      const dir = join(scenarioDir, proxy);
      const one = await startInstance(proxy, set, 1, join(dir, 'one'), { port: backend.port, body }, options.tools, START_ONE_MS);
      const many = typeof one === 'string' ? one : await startInstance(proxy, set, certificates, join(dir, 'many'), { port: backend.port, body }, options.tools, START_MANY_MS);
      if (typeof one === 'string' || typeof many === 'string') {
        if (typeof one !== 'string') await one.process.stop();
        const why = typeof one === 'string' ? `with 1 certificate: ${one}` : `with ${certificates} certificates: ${many as string}`;
        outcomes.set(proxy, { proxy, runs: [], skipped: why });
        options.progress(`  ${proxy}: skipped — ${why}`);
        continue;
      }
      await settle();
      const figures: Pair['figures'] = {
        certificates, oneName: [], manyNames: [],
        startSeconds: { one: one.startSeconds, many: many.startSeconds },
        memory: { one: treeMemory(one.process.child.pid ?? 0), manyLoaded: treeMemory(many.process.child.pid ?? 0), manyHandshaken: treeMemory(0) },
      };
      options.progress(`  ${proxy}: up in ${one.startSeconds.toFixed(1)} s with 1 certificate, ${many.startSeconds.toFixed(1)} s with ${certificates.toLocaleString('en-US')}; cold pass…`);
      // Cold: every name once, before anything else touched the N-name instance.
      figures.cold = await handshakes(many, { eachNameOnce: true, checkNames: true });
      await settle();
      if (figures.memory) figures.memory.manyHandshaken = treeMemory(many.process.child.pid ?? 0);
      options.progress(`  ${proxy}: cold pass ${Math.round(figures.cold.perSecond)} handshakes/s (${figures.cold.failures} failed, ${figures.cold.wrongCertificates} with a certificate not for the name asked)`);
      pairs.push({ proxy, one, many, figures });
      outcomes.set(proxy, { proxy, runs: [] });
    }
    if (options.warmupSeconds > 0) {
      for (const pair of pairs) {
        await handshakes(pair.one, { seconds: options.warmupSeconds });
        await handshakes(pair.many, { seconds: options.warmupSeconds });
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      const order = pairs.map((_, i) => pairs[(i + round) % pairs.length] as Pair);
      for (const pair of order) {
        // One name, then N names: the two runs of a round sit side by side in time.
        const oneRun = await handshakes(pair.one, { seconds: options.seconds });
        const manyRun = await handshakes(pair.many, { seconds: options.seconds, startAt: Math.floor(Math.random() * certificates) });
        pair.figures.oneName.push(oneRun);
        pair.figures.manyNames.push(manyRun);
        options.progress(`  round ${round + 1}/${options.rounds} ${pair.proxy.padEnd(8)} 1 name ${Math.round(oneRun.perSecond).toLocaleString('en-US').padStart(6)} hs/s (proxy busy ${Math.round(oneRun.proxyBusy * 100)}%, client ${Math.round(oneRun.clientBusy * 100)}%)  ${certificates.toLocaleString('en-US')} names ${Math.round(manyRun.perSecond).toLocaleString('en-US').padStart(6)} hs/s (busy ${Math.round(manyRun.proxyBusy * 100)}%, client ${Math.round(manyRun.clientBusy * 100)}%)${manyRun.failures + oneRun.failures > 0 ? `  failures ${manyRun.failures + oneRun.failures}: ${manyRun.firstError ?? oneRun.firstError ?? ''}` : ''}`);
      }
    }
    for (const pair of pairs) {
      if (pair.many.change === undefined) {
        pair.figures.changeNote = 'not measured: a certificate change needs a reload or the runtime API';
        continue;
      }
      // Three tenants spread over the set, none of them tenant 0 (the Gateway's own listener).
      const indexes = [Math.floor(certificates / 3), Math.floor((2 * certificates) / 3), certificates - 1].filter((index) => index > 0);
      pair.figures.changeMs = [];
      for (const index of indexes) pair.figures.changeMs.push(await pair.many.change(index));
      options.progress(`  ${pair.proxy}: certificate renewal → new connections: ${pair.figures.changeMs.map((ms) => (ms === undefined ? `not seen in ${CHANGE_DEADLINE_MS / 1000} s` : `${Math.round(ms)} ms`)).join(', ')}`);
    }
  } finally {
    await Promise.all(pairs.flatMap((pair) => [pair.one.process.stop(), pair.many.process.stop()]));
    await backend.process.stop();
  }
  for (const pair of pairs) {
    const outcome = outcomes.get(pair.proxy) as ProxyOutcome;
    outcome.runs = pair.figures.manyNames.map(asLoadResult);
    outcome.tlsScale = pair.figures as TlsScaleFigures;
  }
  return { scenario, proxies: [...outcomes.values()], notes };
}
