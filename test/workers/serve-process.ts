// `portico serve` as a child process, the way users and benchmarks run it, with
// what the worker tests need: its admin endpoint, its metrics parsed, the pids
// of its workers, its logs, and a way to wait for a process to be gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { eventually, freePort, request } from '../support/net.ts';
import type { Exposition } from './prom-text.ts';
import { parseExposition } from './prom-text.ts';

const bin = fileURLToPath(new URL('../../bin/portico.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  adminPort: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  metrics(): Promise<Exposition>;
  /** Worker position → pid of the process holding it, from portico_worker_info. */
  workerPids(): Promise<Map<string, number>>;
  readyz(): Promise<number>;
  /** Kills the whole process group (cleanup after a failed assertion). */
  kill(): void;
}

export async function startServe(configDir: string, args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const adminPort = await freePort();
  // Its own process group, so a test can signal it as a terminal would (Ctrl-C).
  const child = spawn(process.execPath, [bin, 'serve', '--config', configDir, '--bind-address', '127.0.0.1', '--admin-port', String(adminPort), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORTICO_WORKERS: '', ...env },
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const metrics = async (): Promise<Exposition> => {
    const response = await request({ port: adminPort, path: '/metrics' });
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return parseExposition(response.body);
  };
  const serve: ServeProcess = {
    child,
    adminPort,
    output: () => output,
    exited,
    metrics,
    async workerPids() {
      const pids = new Map<string, number>();
      for (const sample of (await metrics()).find('portico_worker_info')) pids.set(sample.labels.worker as string, Number(sample.labels.pid));
      return pids;
    },
    readyz: async () => (await request({ port: adminPort, path: '/readyz' })).status,
    kill() {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  try {
    await eventually(async () => assert.equal(await serve.readyz(), 200), { timeoutMs: 20_000, intervalMs: 50 });
  } catch (error) {
    serve.kill();
    throw new Error(`portico serve did not become ready: ${String(error)}\n${output}`, { cause: error });
  }
  return serve;
}

/**
 * Resolves once `pid` has exited and been reaped by its parent. (A zombie
 * leader is not enough: its other threads may still be exiting, and the
 * process's sockets close only when the last of them has.)
 */
export async function processGone(pid: number): Promise<void> {
  await eventually(async () => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    assert.equal(stat, undefined, `process ${pid} still there`);
  }, { timeoutMs: 5_000, intervalMs: 5 });
}

/** The lines of `output` that are JSON objects (logs, access logs). */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output.split('\n').filter((line) => line.startsWith('{')).map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line}`);
    }
  });
}

/** Pids of the processes whose parent is `pid` (from /proc: field 4 of stat). */
export async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}
