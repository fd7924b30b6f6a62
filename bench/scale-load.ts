// Loading at scale: generates N HTTPRoutes in a temporary folder (all in one
// file, K per file, or one per file), starts the file provider on it, then
// changes one route in one file (an editor's atomic save) and times until the
// provider publishes the change. Prints, per case, the load time, the change
// time (median of --rounds; watching with no debounce, so it is the file
// system's notice plus the provider's work), both as wall and CPU time (CPU
// includes the garbage collector's helper threads; wall time is what to read
// on an idle machine), and the heap the loaded objects take.
// Run by hand (numbers depend on the machine; not a test):
//
//   node_modules/.bin/node --expose-gc bench/scale-load.ts [--routes 1000,5000,10000,40000] [--per-file 0,100,1] [--rounds 5]
//
// --per-file 0 puts every route in one file. Each case runs in a child
// process of its own, so memory numbers do not include earlier cases.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileProvider } from '../src/providers/file/index.ts';
import type { Snapshot } from '../src/providers/file/index.ts';
import { silentLogger } from '../src/telemetry/log.ts';
import { GATEWAY_CLASS_YAML } from './gateway-yaml.ts';

const GATEWAY = `${GATEWAY_CLASS_YAML}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: default
spec:
  gatewayClassName: portico
  listeners:
  - name: http
    protocol: HTTP
    port: 8080
    allowedRoutes:
      namespaces:
        from: All
`;

/** A route of the usual shape: a host, a path and header match, a header filter, a weighted split. */
function route(i: number, version = 'v2'): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-${i}
  namespace: team-${i % 50}
  labels:
    app: app-${i}
spec:
  parentRefs:
  - name: gw
    namespace: default
    sectionName: http
  hostnames:
  - "app-${i}.example.com"
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /svc-${i}/api
      headers:
      - name: x-version
        value: ${version}
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        add:
        - name: x-route
          value: route-${i}
    backendRefs:
    - name: svc-${i}
      port: 8080
      weight: 90
    - name: svc-${i}-canary
      port: 8080
      weight: 10
`;
}

interface Layout {
  routes: number;
  /** Routes per file; 0: all in one file. */
  perFile: number;
}

function fileOf(i: number, layout: Layout): string {
  if (layout.perFile === 0) return 'routes.yaml';
  const index = Math.floor(i / layout.perFile);
  return `routes/${Math.floor(index / 1000)}/r${index}.yaml`;
}

/** Writes the folder; returns the bytes written. */
async function generate(dir: string, layout: Layout): Promise<number> {
  const files = new Map<string, string[]>();
  for (let i = 0; i < layout.routes; i++) {
    const file = fileOf(i, layout);
    let docs = files.get(file);
    if (docs === undefined) files.set(file, (docs = []));
    docs.push(route(i));
  }
  let bytes = 0;
  // Written an hour ago: the provider re-reads files modified in the last few
  // seconds on every scan, which a folder at rest does not have.
  const past = new Date(Date.now() - 3_600_000);
  files.set('gateway.yaml', [GATEWAY]);
  for (const [file, docs] of files) {
    const text = docs.join('---\n');
    bytes += text.length;
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
    await utimes(path.join(dir, file), past, past);
  }
  return bytes;
}

/**
 * Writes the new content of the file holding route `changed` (that route's
 * header value changed) outside the folder; the returned function moves it
 * into place, as an editor's atomic save does (a plain write of a large file
 * would be seen half-written).
 */
async function prepareChange(dir: string, scratch: string, layout: Layout, changed: number, version: string): Promise<() => Promise<void>> {
  const file = fileOf(changed, layout);
  const docs: string[] = [];
  for (let i = 0; i < layout.routes; i++) if (fileOf(i, layout) === file) docs.push(route(i, i === changed ? version : 'v2'));
  const temp = path.join(scratch, 'next.yaml');
  await writeFile(temp, docs.join('---\n'));
  return () => rename(temp, path.join(dir, file));
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function runCase(layout: Layout): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'portico-scale-'));
  const dir = path.join(root, 'config');
  const scratch = path.join(root, 'scratch');
  await mkdir(dir);
  await mkdir(scratch);
  try {
    const bytes = await generate(dir, layout);
    const heapBefore = heapMB();
    // Watching on (the real change path), periodic rescan out of the way.
    const provider = new FileProvider({ dir, logger: silentLogger(), debounceMs: 0, rescanIntervalMs: 3_600_000 });
    let t0 = performance.now();
    let cpu0 = process.cpuUsage();
    const first = await provider.start();
    const loadMs = performance.now() - t0;
    const loadCpuMs = cpuMs(cpu0);
    await provider.reload(); // let the start-up rescan settle
    const heapAfter = heapMB();

    const changes: number[] = [];
    const changeCpus: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const seen = new Promise<Snapshot>((resolve) => provider.onSnapshot(resolve));
      const save = await prepareChange(dir, scratch, layout, Math.floor(layout.routes / 2), `v${round + 3}`);
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      await save();
      await seen;
      changes.push(performance.now() - t0);
      changeCpus.push(cpuMs(cpu0));
    }
    await provider.close();
    const where = layout.perFile === 0 ? 'one file' : layout.perFile === 1 ? 'one per file' : `${layout.perFile} per file`;
    console.log(
      [
        `${layout.routes} routes`.padEnd(14),
        where.padEnd(14),
        `${(bytes / 2 ** 20).toFixed(1)} MB`.padStart(8),
        `load ${loadMs.toFixed(0)} ms (cpu ${loadCpuMs.toFixed(0)})`.padStart(24),
        `change ${median(changes).toFixed(1)} ms (cpu ${median(changeCpus).toFixed(1)})`.padStart(28),
        `heap +${(heapAfter - heapBefore).toFixed(0)} MB`.padStart(14),
        `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`.padStart(12),
        `(${first.resources.httpRoutes.length} loaded, ${first.diagnostics.length} diagnostics)`,
      ].join(' '),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const ROUNDS = listArg('--rounds', [5])[0] ?? 5;

function listArg(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(name);
  const value = index < 0 ? undefined : process.argv[index + 1];
  return value === undefined ? fallback : value.split(',').map(Number);
}

if (process.argv.includes('--case')) {
  const [routes, perFile] = listArg('--case', []);
  await runCase({ routes: routes ?? 1000, perFile: perFile ?? 0 });
} else {
  for (const routes of listArg('--routes', [1000, 5000, 10_000, 40_000])) {
    for (const perFile of listArg('--per-file', [0, 100, 1])) {
      execFileSync(process.execPath, ['--expose-gc', import.meta.filename, '--case', `${routes},${perFile}`, '--rounds', String(ROUNDS)], { stdio: 'inherit' });
    }
  }
}
