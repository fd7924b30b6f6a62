// What every part of the change bench shares: where Portico and the load run,
// a fresh config folder per part, and a Portico started on it and always stopped.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startPortico } from '../portico-process.ts';
import type { PorticoProcess } from '../portico-process.ts';
import { freePort } from '../system.ts';

export interface ChangeContext {
  tools: Record<string, string>;
  /** The bench's temporary directory. */
  dir: string;
  /** Portico's cores, and the cores of everything else (this script, its backends, wrk). */
  cores: { portico: string; load: string };
  workers: number;
  progress(line: string): void;
}

export interface PartSetup {
  configDir: string;
  /** The Gateway's listener port. */
  port: number;
  portico: PorticoProcess;
  /** Writes (or replaces) a file in the config folder. */
  write: (name: string, text: string) => Promise<void>;
}

/** A fresh config folder with `files`, Portico serving it, `body` run, Portico stopped. */
export async function withPortico<T>(context: ChangeContext, part: string, files: (port: number) => Record<string, string>, body: (setup: PartSetup) => Promise<T>): Promise<T> {
  const partDir = join(context.dir, part);
  const configDir = join(partDir, 'config');
  await mkdir(configDir, { recursive: true });
  const write = async (name: string, text: string): Promise<void> => {
    await mkdir(dirname(join(configDir, name)), { recursive: true });
    await writeFile(join(configDir, name), text);
  };
  const port = await freePort();
  for (const [name, text] of Object.entries(files(port))) await write(name, text);
  const portico = await startPortico({ configDir, cores: context.cores.portico, workers: context.workers, logFile: join(partDir, 'portico.log') });
  try {
    return await body({ configDir, port, portico, write });
  } finally {
    await portico.stop();
  }
}
