// The machine side of the benchmark: finding (or installing, once) the tools,
// starting pinned processes that are always stopped again, free loopback ports,
// and waiting for a port with a deadline.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Debian packages that provide each tool `npm run bench` uses. */
const PACKAGES: Record<string, string> = { nginx: 'nginx', haproxy: 'haproxy', wrk: 'wrk', h2load: 'nghttp2-client', taskset: 'util-linux', openssl: 'openssl' };

// nginx and haproxy live in sbin, which a non-root PATH often leaves out.
const SEARCH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];

export function findTool(name: string): string | undefined {
  for (const dir of SEARCH) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Returns the path of every tool, installing the missing ones with apt-get first
 * (only when something is missing, so later runs start at once).
 */
export function ensureTools(names: string[]): Record<string, string> {
  const missing = names.filter((name) => findTool(name) === undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((name) => PACKAGES[name] ?? name))];
    const asRoot = process.getuid?.() === 0;
    const command = asRoot ? ['apt-get', 'install', '-y', ...packages] : ['sudo', '-n', 'apt-get', 'install', '-y', ...packages];
    process.stderr.write(`bench: installing ${packages.join(', ')} (${command.join(' ')})\n`);
    try {
      execFileSync(command[0] as string, command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      throw new Error(`could not install ${packages.join(', ')}; install them with: apt-get install -y ${packages.join(' ')}`);
    }
  }
  const paths: Record<string, string> = {};
  for (const name of names) {
    const path = findTool(name);
    if (!path) throw new Error(`${name} is still missing after installing ${PACKAGES[name] ?? name}`);
    paths[name] = path;
  }
  return paths;
}

export function toolVersion(command: string, args: string[]): string {
  // nginx -v prints to stderr, wrk -v exits 1: read both streams, whatever the code.
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const line = `${result.stdout}${result.stderr}`.split('\n').find((text) => text.trim() !== '') ?? 'unknown';
  return line.replace(/\s+Copyright.*$/, '').replace(/\s+-\s+https?:.*$/, '').trim();
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until 127.0.0.1:port accepts connections; false when the deadline passes or `gaveUp()` says so. */
export async function waitForPort(port: number, deadlineMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await canConnect(port)) return true;
    await sleep(50);
  }
  return false;
}

export interface Pinned {
  child: ChildProcess;
  exited: () => boolean;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

const running = new Set<Pinned>();

/** Starts `command` on the given CPU cores (taskset) with output appended to `logFile`. */
export function startPinned(cores: string, command: string, args: string[], options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string }): Pinned {
  const log = openSync(options.logFile, 'a');
  const taskset = findTool('taskset');
  const [file, argv] = taskset ? [taskset, ['-c', cores, command, ...args]] : [command, args];
  const child = spawn(file, argv, { stdio: ['ignore', log, log], env: options.env ?? process.env, cwd: options.cwd });
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  child.once('error', () => (exited = true));
  const pinned: Pinned = {
    child,
    exited: () => exited,
    async stop() {
      running.delete(pinned);
      if (exited) return;
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(grace);
    },
  };
  running.add(pinned);
  return pinned;
}

/** Stops everything still running (on exit paths and Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((pinned) => pinned.stop()));
}

/** A bench's working folder at its end: removed, or with `keep` (--keep) left for a look and named on stdout. */
export async function removeUnlessKept(dir: string, keep: boolean): Promise<void> {
  if (keep) process.stdout.write(`kept ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
}

/** Runs a command to completion (pinned), returning its stdout. */
export function runPinned(cores: string, command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const taskset = findTool('taskset');
  const [file, argv] = taskset ? [taskset, ['-c', cores, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
