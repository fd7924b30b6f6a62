// Background load for the change bench: wrk, closed loop, on the load core,
// until stopped (SIGINT makes wrk print its summary), so a change lands on a
// proxy that is busy serving other traffic.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWrkOutput, wrkScript } from '../load/wrk.ts';
import type { LoadResult } from '../load/wrk.ts';
import { startPinned } from '../system.ts';

export interface Background {
  stop(): Promise<LoadResult>;
}

export async function startBackgroundLoad(options: { wrk: string; cores: string; port: number; host: string; path: string; connections: number; dir: string }): Promise<Background> {
  const script = join(options.dir, 'background.lua');
  await writeFile(script, wrkScript([options.path]));
  const logFile = join(options.dir, 'background-wrk.log');
  const args = ['-t1', `-c${options.connections}`, '-d3600s', '--timeout', '2s', '-H', `Host: ${options.host}`, '-s', script, `http://127.0.0.1:${options.port}${options.path}`];
  const wrk = startPinned(options.cores, options.wrk, args, { logFile });
  return {
    async stop() {
      wrk.child.kill('SIGINT');
      await new Promise<void>((resolve) => (wrk.exited() ? resolve() : wrk.child.once('exit', () => resolve())));
      await wrk.stop();
      return parseWrkOutput(await readFile(logFile, 'utf8'));
    },
  };
}
