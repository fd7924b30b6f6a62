// A proxy's memory as a process tree: RSS, and PSS (proportional set size:
// each shared page split among the processes that map it). nginx's master and
// worker hold the same certificates in pages shared since the fork; RSS counts
// them twice, PSS once, so per-certificate figures compare on PSS.
import { readFileSync } from 'node:fs';
import { processTree, totalRss } from '../proc.ts';

export interface TreeMemory {
  rssBytes: number;
  pssBytes: number;
  cpuSeconds: number;
}

function pss(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // gone meanwhile, or a kernel without smaps_rollup
  }
}

export function treeMemory(pid: number): TreeMemory {
  const tree = processTree(pid);
  return {
    rssBytes: totalRss(tree),
    pssBytes: tree.reduce((sum, stats) => sum + pss(stats.pid), 0),
    cpuSeconds: tree.reduce((sum, stats) => sum + stats.cpuSeconds, 0),
  };
}
