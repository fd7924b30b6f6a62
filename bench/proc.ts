// Memory and CPU of a process and its descendants, from Linux's /proc: a
// Portico with workers is a tree of processes, and the bench reports each one
// (resident memory, CPU seconds) as well as the total.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessStats {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel knows it (e.g. "node", "nginx"). */
  name: string;
  rssBytes: number;
  /** User + system CPU time used so far. */
  cpuSeconds: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Parses /proc/PID/stat (the name may hold spaces and parentheses: fields count from the last ")"). */
export function parseStat(text: string, ticks: number): { name: string; ppid: number; cpuSeconds: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // After the name: state(0) ppid(1) ... utime(11) stime(12), per proc(5).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { name: text.slice(open + 1, close), ppid: Number(fields[1]), cpuSeconds: (utime + stime) / ticks };
}

/** VmRSS from /proc/PID/status, in bytes (0 when absent, e.g. a zombie). */
export function parseStatusRss(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

export function readProcess(pid: number): ProcessStats | undefined {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks());
    const rssBytes = parseStatusRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { pid, ppid: stat.ppid, name: stat.name, rssBytes, cpuSeconds: stat.cpuSeconds };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** `root` and every process descended from it, root first. */
export function processTree(root: number): ProcessStats[] {
  const all: ProcessStats[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stats = readProcess(Number(entry));
    if (stats) all.push(stats);
  }
  const tree: ProcessStats[] = [];
  const wanted = new Set([root]);
  // Parents come before children in a breadth-first walk over the parent links.
  for (let grew = true; grew;) {
    grew = false;
    for (const stats of all) {
      if (!wanted.has(stats.pid) && wanted.has(stats.ppid)) {
        wanted.add(stats.pid);
        grew = true;
      }
    }
  }
  const rootStats = all.find((stats) => stats.pid === root);
  if (rootStats) tree.push(rootStats);
  for (const stats of all) if (stats.pid !== root && wanted.has(stats.pid)) tree.push(stats);
  return tree;
}

export function totalRss(tree: readonly ProcessStats[]): number {
  return tree.reduce((sum, stats) => sum + stats.rssBytes, 0);
}

export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
