// A `portico serve` child process for the change and scale benches, driven the
// way a user or an operator would: a config folder, the admin endpoint for
// readiness, version, status and metrics, and its JSON log for reload timings.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPOSITORY } from './proxies/index.ts';
import { freePort, sleep, startPinned } from './system.ts';
import type { Pinned } from './system.ts';

export interface PorticoProcess {
  pid: number;
  adminPort: number;
  process: Pinned;
  logFile: string;
  /** GET on the admin endpoint: status and body. */
  admin(path: string): Promise<{ status: number; body: string }>;
  /** The configuration version serving now (from /metrics, else /config). */
  version(): Promise<number>;
  /** Waits until the version is above `after`; resolves with the time it was seen (performance.now()) and the version. */
  waitForVersion(after: number, deadlineMs?: number): Promise<{ at: number; version: number }>;
  /** Reload timings Portico logged ("configuration reloaded" lines) since the start. */
  reloads(): Promise<ReloadLog[]>;
  stop(): Promise<void>;
}

export interface ReloadLog {
  version: number;
  translateMs: number;
  applyMs: number;
}

export interface PorticoStart {
  configDir: string;
  cores: string;
  workers: number;
  /** Where its output goes. */
  logFile: string;
  /** How long loading may take before giving up (40,000 routes take a while). */
  readyDeadlineMs?: number;
}

/** How often waitForVersion asks: often enough for ~100 ms changes, rarely enough not to load Portico's core. */
const VERSION_POLL_MS = 10;

export function adminGet(port: number, path: string, timeoutMs = 30_000, agent: Agent | false = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on the admin port timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The `portico_config_version` gauge from Prometheus text, if present. */
export function versionFromMetrics(text: string): number | undefined {
  const match = /^portico_config_version(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Reload timings from Portico's JSON log lines. */
export function parseReloadLog(text: string): ReloadLog[] {
  const reloads: ReloadLog[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"configuration reloaded"') && !line.includes('"configuration loaded"')) continue;
    try {
      const entry = JSON.parse(line) as { version?: number; translateMs?: number; applyMs?: number };
      if (typeof entry.version === 'number' && typeof entry.translateMs === 'number' && typeof entry.applyMs === 'number') {
        reloads.push({ version: entry.version, translateMs: entry.translateMs, applyMs: entry.applyMs });
      }
    } catch {
      // not a JSON line
    }
  }
  return reloads;
}

export async function startPortico(options: PorticoStart): Promise<PorticoProcess> {
  const adminPort = await freePort();
  const node = join(REPOSITORY, 'node_modules', '.bin', 'node');
  const args = ['bin/portico.js', 'serve', '--config', options.configDir, '--bind-address', '127.0.0.1', '--admin-port', String(adminPort), ...(options.workers > 1 ? ['--workers', String(options.workers)] : [])];
  // Info level: Portico logs each reload with its translate and apply times.
  const process_ = startPinned(options.cores, node, args, { logFile: options.logFile, cwd: REPOSITORY, env: { ...process.env, PORTICO_WORKERS: String(options.workers), PORTICO_LOG_LEVEL: 'info' } });
  const deadline = performance.now() + (options.readyDeadlineMs ?? 60_000);
  let ready = false;
  while (!ready && performance.now() < deadline && !process_.exited()) {
    ready = await adminGet(adminPort, '/readyz', 2_000).then((answer) => answer.status === 200, () => false);
    if (!ready) await sleep(20);
  }
  if (!ready) {
    await process_.stop();
    const output = await readFile(options.logFile, 'utf8').catch(() => '');
    throw new Error(`portico serve did not become ready${process_.exited() ? ` (exited ${process_.child.exitCode ?? process_.child.signalCode})` : ''}:\n${output.trimEnd().split('\n').slice(-10).join('\n')}`);
  }
  // Admin requests reuse their connections: polling must cost Portico as little as possible.
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const admin = (path: string): Promise<{ status: number; body: string }> => adminGet(adminPort, path, 30_000, agent);
  let useMetrics = true;
  const version = async (): Promise<number> => {
    if (useMetrics) {
      const metrics = await admin('/metrics');
      const found = metrics.status === 200 ? versionFromMetrics(metrics.body) : undefined;
      if (found !== undefined) return found;
      useMetrics = false;
    }
    return (JSON.parse((await admin('/config')).body) as { version: number }).version;
  };
  return {
    pid: process_.child.pid ?? 0,
    adminPort,
    process: process_,
    logFile: options.logFile,
    admin,
    version,
    async waitForVersion(after, deadlineMs = 30_000) {
      const until = performance.now() + deadlineMs;
      for (;;) {
        const current = await version();
        if (current > after) return { at: performance.now(), version: current };
        if (performance.now() > until) throw new Error(`Portico did not reach a configuration version above ${after} within ${deadlineMs} ms`);
        await sleep(VERSION_POLL_MS);
      }
    },
    reloads: async () => parseReloadLog(await readFile(options.logFile, 'utf8').catch(() => '')),
    async stop() {
      agent.destroy();
      await process_.stop();
    },
  };
}

/** Time series (sample lines) and metric families in Prometheus text. */
export function countSeries(text: string): { series: number; families: number } {
  let series = 0;
  const families = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) families.add(line.split(' ')[2] ?? '');
    else if (line.trim() !== '' && !line.startsWith('#')) series++;
  }
  return { series, families: families.size };
}
