// The proxies under test, side by side: how each is configured and started. All
// run pinned to the proxy core(s) with one worker per core, from files in their
// own temporary directory, listening on loopback only.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProxySetup } from '../routes.ts';
import { haproxyArgs, haproxyFiles } from './haproxy.ts';
import { nginxArgs, nginxProxyConfig } from './nginx.ts';
import { listenerProblem, porticoCheckJson } from './portico-check.ts';
import { porticoArgs, porticoFiles, porticoListenerName } from './portico.ts';

export const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

export interface Launch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ProxyDefinition {
  name: 'nginx' | 'haproxy' | 'portico';
  /** Config files to write into the setup's directory (name → text). */
  files(setup: ProxySetup): Record<string, string>;
  launch(setup: ProxySetup, tools: Record<string, string>): Launch;
  /** How long it may take until its port accepts connections and routes answer. */
  startupMs: number;
  /** Before starting: why this proxy cannot serve the setup yet (undefined: it can). The files are written. */
  unsupported?(setup: ProxySetup): Promise<string | undefined>;
}

export const PROXIES: ProxyDefinition[] = [
  {
    name: 'nginx',
    files: (setup) => ({ 'nginx.conf': nginxProxyConfig(setup) }),
    launch: (setup, tools) => ({ command: tools.nginx as string, args: nginxArgs(setup.dir, join(setup.dir, 'nginx.conf')) }),
    startupMs: 10_000,
  },
  {
    name: 'haproxy',
    files: haproxyFiles,
    // -db: stay in the foreground, so the bench owns the process.
    launch: (setup, tools) => ({ command: tools.haproxy as string, args: [...haproxyArgs(setup.dir), '-db'] }),
    startupMs: 10_000,
  },
  {
    name: 'portico',
    files: porticoFiles,
    launch: (setup) => ({
      command: join(REPOSITORY, 'node_modules', '.bin', 'node'),
      args: porticoArgs(setup.dir, setup.workers),
      cwd: REPOSITORY,
      // One worker per proxy core, like the others; warn-level logs (nginx and
      // HAProxy run without access logs too).
      env: { ...process.env, PORTICO_WORKERS: String(setup.workers), PORTICO_LOG_LEVEL: 'warn' },
    }),
    startupMs: 20_000,
    async unsupported(setup) {
      // Plain HTTP listeners are Portico's first protocol: only TLS needs asking.
      if (!setup.tls) return undefined;
      const problem = listenerProblem(await porticoCheckJson(REPOSITORY, setup.dir), porticoListenerName(setup));
      if (problem === undefined) return undefined;
      return `${setup.http2 ? 'HTTP/2 (over an HTTPS listener)' : 'HTTPS listeners'} not supported yet (portico check: ${problem})`;
    },
  },
];

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}
