// `npm run bench:change`: how Portico takes changes. Route propagation (new
// routes one by one, idle and under load), route edits under traffic (no
// failed requests, resets or dropped WebSockets), endpoint churn (traffic
// follows EndpointSlice changes, nothing reaches a removed endpoint), and
// status under growth (attachedRoutes right, no write storms). Portico runs
// as `portico serve` pinned to core 0; this script, its backends and the
// background load run on core 1.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTools, findTool, removeUnlessKept, stopAll } from '../system.ts';
import { formatTargets } from '../targets.ts';
import type { ChangeContext } from './context.ts';
import { measureEdits } from './edits.ts';
import { measureEndpointChurn } from './endpoints.ts';
import { measurePropagation } from './propagation.ts';
import { changeTargets, describeResults } from './report.ts';
import type { ChangeResults } from './report.ts';
import { measureStatus } from './status.ts';

const PARTS = ['status', 'endpoints', 'edits', 'propagation'] as const;

const usage = `usage: npm run bench:change -- [--quick] [--part ${PARTS.join(',')}] [--json FILE]
                                 [--routes N] [--edits N] [--endpoint-steps N] [--status-routes N]
                                 [--rate N] [--workers N] [--keep]

  --quick             a smoke run: 200 routes, 100 edits, 5 endpoint changes, 200 status routes
  --part              only these parts (default: all)
  --routes N          routes added one by one for propagation, idle and under load (default 3000)
  --edits N           route edits under traffic (default 1000)
  --endpoint-steps N  EndpointSlice changes (default 30)
  --status-routes N   routes added for the status check (default 1000)
  --rate N            steady client's requests/s during edits and churn (default 1000)
  --workers N         Portico worker processes (default 1; more need both cores)
  --json FILE         also write the results and targets as JSON
  --keep              keep the working folder (each part's config and Portico's JSON log, with
                      every reload's translateMs and applyMs) and print where it is
`;

function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${flag} must be a positive integer, got "${value}"`);
  return number;
}

let benchDir: string | undefined;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      part: { type: 'string' },
      json: { type: 'string' },
      routes: { type: 'string' },
      edits: { type: 'string' },
      'endpoint-steps': { type: 'string' },
      'status-routes': { type: 'string' },
      rate: { type: 'string' },
      workers: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const quick = values.quick ?? false;
  const parts = new Set(values.part === undefined ? PARTS : values.part.split(',').map((part) => part.trim()));
  for (const part of parts) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--part: unknown ${part} (known: ${PARTS.join(', ')})`);
  const routes = positive(values.routes, quick ? 200 : 3000, 'routes');
  const edits = positive(values.edits, quick ? 100 : 1000, 'edits');
  const endpointSteps = positive(values['endpoint-steps'], quick ? 5 : 30, 'endpoint-steps');
  const statusRoutes = positive(values['status-routes'], quick ? 200 : 1000, 'status-routes');
  const rate = positive(values.rate, 1000, 'rate');
  const workers = positive(values.workers, 1, 'workers');

  const tools = ensureTools(['wrk', 'taskset']);
  // Read before this script pins itself (then it sees only its own core).
  const coreCount = availableParallelism();
  const twoCores = coreCount >= 2;
  const cores = twoCores && workers === 1 ? { portico: '0', load: '1' } : { portico: '0-1', load: '0-1' };
  // This script (the clients and backends) keeps to the load core.
  const taskset = findTool('taskset');
  if (taskset && twoCores) execFileSync(taskset, ['-pc', cores.load, String(process.pid)], { stdio: 'ignore' });
  process.stdout.write(`Portico change bench — ${cpus()[0]?.model ?? 'unknown'} × ${coreCount}; Portico on core ${cores.portico} with ${workers} worker(s), clients/backends/wrk on core ${cores.load}\n\n`);

  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-change-'));
  benchDir = dir;
  const context: ChangeContext = { tools, dir, cores, workers, progress: (line) => process.stdout.write(`${line}\n`) };
  const results: ChangeResults = { propagation: [] };
  const attempt = async (part: string, run: () => Promise<void>): Promise<void> => {
    if (!parts.has(part)) return;
    process.stdout.write(`${part}:\n`);
    try {
      await run();
    } catch (error) {
      process.stdout.write(`  ${part} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  try {
    await attempt('status', async () => {
      results.status = await measureStatus(context, statusRoutes, 10);
    });
    await attempt('endpoints', async () => {
      results.endpoints = await measureEndpointChurn(context, endpointSteps, rate);
    });
    await attempt('edits', async () => {
      results.edits = await measureEdits(context, edits, rate);
    });
    await attempt('propagation', async () => {
      for (const withLoad of [false, true]) {
        context.progress(`  ${withLoad ? 'with background load (wrk, 16 connections, another route)' : 'idle'}:`);
        results.propagation.push(await measurePropagation(context, routes, withLoad));
      }
    });
  } finally {
    await stopAll();
    benchDir = undefined; // from here on, Ctrl-C leaves the folder to removeUnlessKept
    await removeUnlessKept(dir, values.keep ?? false);
  }
  process.stdout.write(`\nResults\n${describeResults(results).map((line) => `  ${line}`).join('\n')}\n\n`);
  const targets = changeTargets(results, parts);
  process.stdout.write(`${formatTargets('Targets', targets)}\n`);
  if (values.json) {
    await writeFile(values.json, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, cores: coreCount }, options: { quick, routes, edits, endpointSteps, statusRoutes, rate, workers }, results, targets }, null, 2)}\n`);
    process.stdout.write(`wrote ${values.json}\n`);
  }
  return 0;
}

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
  process.stderr.write(`bench:change: ${error instanceof Error ? error.message : String(error)}\n\n`);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) process.stderr.write(usage);
  process.exitCode = 1;
}
