#!/usr/bin/env node
// Portico's command-line entry. Portico runs on Node 24 LTS (22.18+ at least,
// for TypeScript type stripping). Machines that ship an older system node get
// the project's own Node 24 from node_modules (the npm `node` package).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);

if (supported) {
  // Code compiled once (TypeScript already stripped of its types) is kept on
  // disk for later runs: the type stripper is not even loaded then, which
  // saves ~30 MB of resident memory per process, and start-up is faster.
  // Worker processes are pointed at the same cache (src/workers/slot.ts).
  module.enableCompileCache?.();
  await import('../src/cli/main.ts');
} else {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const bundled = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(`portico needs Node.js 22.18 or newer (found ${process.version}); run "npm ci" to install Node 24 into node_modules`);
    process.exit(1);
  }
  const child = spawn(bundled, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
