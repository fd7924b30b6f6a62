// `npm run bench [-- --quick] [-- --json FILE]`: Portico, nginx and HAProxy side by
// side on loopback, each proxying to the same nginx backend with the same routing
// work, pinned (proxy on core 0 with one worker; wrk and the backend on core 1).
// Prints, per scenario, requests/s and p50/p99 latency as medians of interleaved
// rounds with min–max, and each as a ratio to nginx; then the targets
// with PASS/MISS.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CORES, measureScenario } from './measure.ts';
import type { ScenarioOutcome } from './measure.ts';
import { PROXIES, REPOSITORY } from './proxies/index.ts';
import type { ProxyDefinition } from './proxies/index.ts';
import { benchTargets } from './bench-targets.ts';
import { formatTable, summarize } from './report.ts';
import { SCENARIOS } from './scenarios.ts';
import { ensureTools, stopAll, toolVersion } from './system.ts';
import { formatTargets } from './targets.ts';
import { makeTestCertificate } from './tls.ts';

const usage = `usage: npm run bench -- [--quick] [--json FILE] [--rounds N] [--seconds N] [--soak-seconds N]
                          [--scenario ID,...] [--proxy nginx,haproxy,portico]

  --quick          a fast smoke run: no warm-up, 1 round of 1 s per proxy and scenario, 5 s soak
  --json FILE      also write every run, the summaries and the targets as JSON
  --rounds N       interleaved rounds per proxy (default 3)
  --seconds N      length of each measured run (default 4)
  --soak-seconds N length of the soak (default 30)
  --scenario     only these scenarios: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}
  --proxy        only these proxies (nginx is the reference for ratios)
`;

function list(value: string | undefined, known: string[], flag: string): string[] {
  if (value === undefined) return known;
  const chosen = value.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = chosen.filter((item) => !known.includes(item));
  if (unknown.length > 0) throw new Error(`--${flag}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return chosen;
}

function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${flag} must be a positive integer, got "${value}"`);
  return number;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['-C', REPOSITORY, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** The temporary directory, removed on every way out. */
let benchDir: string | undefined;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      'soak-seconds': { type: 'string' },
      scenario: { type: 'string' },
      proxy: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const quick = values.quick ?? false;
  const rounds = positive(values.rounds, quick ? 1 : 3, 'rounds');
  const seconds = positive(values.seconds, quick ? 1 : 4, 'seconds');
  const soakSeconds = positive(values['soak-seconds'], quick ? 5 : 30, 'soak-seconds');
  // A smoke run skips the warm-up: it checks that everything runs, not how fast.
  const warmupSeconds = quick ? 0 : 2;
  let scenarioIds = list(values.scenario, SCENARIOS.map((scenario) => scenario.id), 'scenario');
  const proxies = list(values.proxy, PROXIES.map((proxy) => proxy.name), 'proxy') as ProxyDefinition['name'][];

  if (availableParallelism() < 2) {
    process.stderr.write('bench: fewer than 2 cores: the proxy and the load generator will share a core, and the both-cores scenario is left out\n');
    scenarioIds = scenarioIds.filter((id) => SCENARIOS.find((scenario) => scenario.id === id)?.cores !== 2);
  }
  const [load] = loadavg();
  if (load !== undefined && load > 0.5) process.stderr.write(`bench: the machine is not idle (load average ${load.toFixed(2)}): expect noisy numbers\n`);
  const tools = ensureTools(['nginx', 'haproxy', 'wrk', 'h2load', 'taskset', 'openssl']);
  const versions = {
    node: process.version,
    nginx: toolVersion(tools.nginx as string, ['-v']),
    haproxy: toolVersion(tools.haproxy as string, ['-v']),
    wrk: toolVersion(tools.wrk as string, ['-v']),
  };
  const cpu = cpus()[0]?.model ?? 'unknown';
  process.stdout.write(`Portico bench — commit ${gitCommit()}, ${cpu} × ${availableParallelism()}\n`);
  process.stdout.write(`proxy on core ${CORES.proxy} (one worker), load generator + nginx backend on core ${CORES.load}; ${rounds} round(s) of ${seconds} s, interleaved\n`);
  process.stdout.write('both-cores scenario: every proxy with 2 workers, nothing pinned (proxy, load generator and backend share both cores)\n');
  process.stdout.write(`${versions.nginx}; ${versions.haproxy}; ${versions.wrk}; node ${versions.node}\n\n`);

  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-'));
  benchDir = dir;
  const outcomes: ScenarioOutcome[] = [];
  try {
    const chosen = SCENARIOS.filter((entry) => scenarioIds.includes(entry.id));
    const tls = chosen.some((scenario) => scenario.tls) ? await makeTestCertificate(tools.openssl as string, dir) : undefined;
    for (const scenario of chosen) {
      process.stdout.write(`${scenario.id}: ${scenario.title}\n`);
      outcomes.push(await measureScenario(scenario, { tools, dir, rounds, seconds, warmupSeconds, soakSeconds, proxies, tls, progress: (line) => process.stdout.write(`${line}\n`) }));
    }
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }

  const summaries = outcomes.map((outcome) => ({ outcome, summaries: summarize(outcome) }));
  process.stdout.write('\nResults (medians of rounds; "vs nginx" is the ratio of medians: higher req/s and lower latency are better)\n\n');
  for (const { outcome, summaries: rows } of summaries) process.stdout.write(`${formatTable(outcome, rows)}\n\n`);
  const targets = benchTargets(summaries);
  process.stdout.write(`${formatTargets('Targets (Portico; ratios to nginx in this run, one core each)', targets)}\n\n`);
  // The bench itself keeps about one process per core busy; more than that is
  // other programs sharing the cores: say so next to the verdicts.
  const [after] = loadavg();
  if (after !== undefined && after > availableParallelism() + 0.5) process.stdout.write(`note: the machine was busy during the run (load average ${after.toFixed(2)} on ${availableParallelism()} cores): treat the ratios as rough\n\n`);

  if (values.json) {
    const report = {
      date: new Date().toISOString(),
      commit: gitCommit(),
      machine: { cpu, cores: availableParallelism() },
      versions,
      options: { quick, rounds, seconds, soakSeconds, warmupSeconds, cores: CORES },
      scenarios: summaries.map(({ outcome, summaries: rows }) => ({ ...outcome.scenario, notes: outcome.notes, fixedRate: outcome.fixedRate, results: rows, runs: Object.fromEntries(outcome.proxies.map((proxy) => [proxy.proxy, proxy.runs])) })),
      targets,
    };
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${values.json}\n`);
  }
  return 0;
}

// Ctrl-C: stop the proxies and the backend before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll()
      .then(() => (benchDir ? rm(benchDir, { recursive: true, force: true }) : undefined))
      .finally(() => process.exit(130));
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  await stopAll();
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n`);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) process.stderr.write(usage);
  process.exitCode = 1;
}
