// `npm run bench:scale`: Portico with many routes. 5,000 HTTPRoutes over 50
// namespaces under continual churn (CPU and memory of every Portico process,
// time for an incremental change to be served), and 40,000 routes (load time,
// first serve, change time, memory per route, Prometheus series). Portico runs
// as `portico serve` pinned to core 0; this script, its backend and client on core 1.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findTool, removeUnlessKept, stopAll } from '../system.ts';
import { formatTargets } from '../targets.ts';
import { measureChurn } from './churn.ts';
import type { ChurnResult } from './churn.ts';
import { measureLarge } from './large.ts';
import type { LargeResult } from './large.ts';
import { describeScale, scaleTargets } from './report.ts';

const PARTS = ['churn', 'large'] as const;

const usage = `usage: npm run bench:scale -- [--quick] [--part churn,large] [--json FILE]
                                [--churn-routes N] [--namespaces N] [--churn-seconds N] [--churn-per-second N]
                                [--routes N] [--listener-sets N] [--rate N] [--workers N] [--keep]

  --quick              a smoke run: 1,000 routes churned for 10 s, 5,000 routes loaded
  --part               only these parts (default: both)
  --churn-routes N     routes under churn (default 5000)
  --namespaces N       namespaces they are spread over (default 50)
  --churn-seconds N    how long the churn runs (default 60)
  --churn-per-second N background route rewrites per second (default 5)
  --routes N           routes for the load/change/memory part (default 40000)
  --listener-sets N    ListenerSets with them, once Portico supports them (default 2500)
  --rate N             steady client requests/s during the churn (default 500)
  --workers N          Portico worker processes (default 1)
  --json FILE          also write the results and targets as JSON
  --keep               keep the working folder (config and Portico's JSON log, with every reload's
                       translateMs and applyMs) and print where it is
`;

function positive(value: string | undefined, fallback: number, flag: string, allowZero = false): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (allowZero ? 0 : 1)) throw new Error(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
  return number;
}

let benchDir: string | undefined;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      part: { type: 'string' },
      json: { type: 'string' },
      'churn-routes': { type: 'string' },
      namespaces: { type: 'string' },
      'churn-seconds': { type: 'string' },
      'churn-per-second': { type: 'string' },
      routes: { type: 'string' },
      'listener-sets': { type: 'string' },
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
  const options = {
    churnRoutes: positive(values['churn-routes'], quick ? 1000 : 5000, 'churn-routes'),
    namespaces: positive(values.namespaces, 50, 'namespaces'),
    churnSeconds: positive(values['churn-seconds'], quick ? 10 : 60, 'churn-seconds'),
    churnPerSecond: positive(values['churn-per-second'], 5, 'churn-per-second'),
    routes: positive(values.routes, quick ? 5000 : 40000, 'routes'),
    listenerSets: positive(values['listener-sets'], quick ? 250 : 2500, 'listener-sets', true),
    rate: positive(values.rate, 500, 'rate'),
    workers: positive(values.workers, 1, 'workers'),
  };
  // Read before this script pins itself (then it sees only its own core).
  const coreCount = availableParallelism();
  const twoCores = coreCount >= 2;
  const cores = twoCores && options.workers === 1 ? { portico: '0', load: '1' } : { portico: '0-1', load: '0-1' };
  const taskset = findTool('taskset');
  if (taskset && twoCores) execFileSync(taskset, ['-pc', cores.load, String(process.pid)], { stdio: 'ignore' });
  process.stdout.write(`Portico scale bench — ${cpus()[0]?.model ?? 'unknown'} × ${coreCount}; Portico on core ${cores.portico} with ${options.workers} worker(s), this script and its backend on core ${cores.load}\n\n`);

  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-scale-'));
  benchDir = dir;
  const progress = (line: string): void => void process.stdout.write(`${line}\n`);
  let churn: ChurnResult | undefined;
  let large: LargeResult | undefined;
  const why: { churn?: string; large?: string } = {};
  try {
    if (parts.has('churn')) {
      process.stdout.write(`churn: ${options.churnRoutes} routes over ${options.namespaces} namespaces\n`);
      churn = await measureChurn({ dir, cores: cores.portico, workers: options.workers, routes: options.churnRoutes, namespaces: options.namespaces, seconds: options.churnSeconds, churnPerSecond: options.churnPerSecond, rate: options.rate, progress })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          progress(`  failed: ${message}`);
          why.churn = `failed: ${message.split('\n')[0] ?? ''} (details above)`;
          return undefined;
        });
    }
    if (parts.has('large')) {
      process.stdout.write(`large: ${options.routes} routes\n`);
      large = await measureLarge({ dir, cores: cores.portico, workers: options.workers, routes: options.routes, namespaces: options.namespaces, listenerSets: options.listenerSets, changes: quick ? 3 : 5, progress })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          progress(`  failed: ${message}`);
          why.large = `failed: ${message.split('\n')[0] ?? ''} (details above)`;
          return undefined;
        });
    }
  } finally {
    await stopAll();
    benchDir = undefined; // from here on, Ctrl-C leaves the folder to removeUnlessKept
    await removeUnlessKept(dir, values.keep ?? false);
  }
  process.stdout.write(`\nResults\n${describeScale(churn, large).map((line) => `  ${line}`).join('\n')}\n\n`);
  const targets = scaleTargets(churn, large, why);
  process.stdout.write(`${formatTargets('Targets', targets)}\n`);
  if (values.json) {
    await writeFile(values.json, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, cores: coreCount }, options, churn, large, targets }, null, 2)}\n`);
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
  process.stderr.write(`bench:scale: ${error instanceof Error ? error.message : String(error)}\n\n`);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) process.stderr.write(usage);
  process.exitCode = 1;
}
