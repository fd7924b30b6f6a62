// One proxy serving the first N tenants on one TLS port, started pinned on the
// proxy core, checked, and able to take a certificate renewal the way its users
// do it: Portico by the tenant's file changing, nginx by a reload (SIGHUP), which
// reads every certificate again. HAProxy would need its runtime API or a reload;
// its change is not measured.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CORES, reasonLine, tail } from '../measure.ts';
import { haproxyArgs } from '../proxies/haproxy.ts';
import { REPOSITORY, writeFiles } from '../proxies/index.ts';
import { nginxArgs } from '../proxies/nginx.ts';
import { porticoArgs } from '../proxies/portico.ts';
import type { ProxyName } from '../scenarios.ts';
import { freePort, startPinned, waitForPort } from '../system.ts';
import type { Pinned } from '../system.ts';
import { haproxyTenantsFiles, nginxTenantsConfig, porticoTenantFile, porticoTenantFileName, porticoTenantsFiles } from './configs.ts';
import type { TlsScaleSetup } from './configs.ts';
import { verifiedGet, waitForSerial } from './probe.ts';
import type { TenantSet } from './tenants.ts';

/** nginx re-reads every certificate on reload: 5,000 take as long as its start did. */
export const CHANGE_DEADLINE_MS = 60_000;

export interface Instance {
  proxy: ProxyName;
  port: number;
  process: Pinned;
  /** Spawn → port accepting connections. */
  startSeconds: number;
  names: string[];
  /** The names, one a line, for the handshake client. */
  namesFile: string;
  /** Renews tenant `index`'s certificate; the milliseconds until a new handshake for its name presents it (undefined: not within CHANGE_DEADLINE_MS). */
  change?(index: number): Promise<number | undefined>;
}

interface Plan {
  files: Record<string, string>;
  /** Where the files go (Portico: its watched config folder). */
  filesDir: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function plan(proxy: ProxyName, setup: TlsScaleSetup, tools: Record<string, string>): Plan {
  switch (proxy) {
    case 'nginx':
      return { files: { 'nginx.conf': nginxTenantsConfig(setup) }, filesDir: setup.dir, command: tools.nginx as string, args: nginxArgs(setup.dir, join(setup.dir, 'nginx.conf')) };
    case 'haproxy':
      return { files: haproxyTenantsFiles(setup), filesDir: setup.dir, command: tools.haproxy as string, args: [...haproxyArgs(setup.dir), '-db'] };
    case 'portico': {
      const config = join(setup.dir, 'config');
      return {
        files: porticoTenantsFiles(setup), filesDir: config,
        command: join(REPOSITORY, 'node_modules', '.bin', 'node'), args: porticoArgs(config, 1), cwd: REPOSITORY,
        env: { ...process.env, PORTICO_WORKERS: '1', PORTICO_LOG_LEVEL: 'warn' },
      };
    }
  }
}

/** Starts `proxy` with the first `count` tenants; a string says why it could not be measured. */
export async function startInstance(proxy: ProxyName, set: TenantSet, count: number, dir: string, backend: { port: number; body: Buffer }, tools: Record<string, string>, startupMs: number): Promise<Instance | string> {
  await mkdir(dir, { recursive: true });
  const setup: TlsScaleSetup = { dir, listenPort: await freePort(), backendPort: backend.port, tenants: set.tenants.slice(0, count) };
  const how = plan(proxy, setup, tools);
  await mkdir(how.filesDir, { recursive: true });
  await writeFiles(how.filesDir, how.files);
  const logFile = join(dir, 'output.log');
  const began = performance.now();
  const process = startPinned(CORES.proxy, how.command, how.args, { logFile, env: how.env, cwd: how.cwd });
  if (!(await waitForPort(setup.listenPort, startupMs, process.exited))) {
    const exited = process.exited();
    await process.stop();
    return `${exited ? 'exited' : `did not accept connections within ${startupMs / 1000} s`}: ${reasonLine(await tail(logFile))}`;
  }
  const startSeconds = (performance.now() - began) / 1000;
  const names = setup.tenants.map((tenant) => tenant.hostname);
  // First, middle and last tenant: their own certificate (verified for the name) and the backend's answer.
  for (const name of new Set([names[0], names[Math.floor(names.length / 2)], names[names.length - 1]])) {
    if (name === undefined) continue;
    const answer = await verifiedGet(setup.listenPort, name, set.caPem).catch((error: unknown) => error as Error);
    if (answer instanceof Error || answer.status !== 200 || !answer.body.equals(backend.body)) {
      await process.stop();
      return `does not serve ${name} as the others do: ${answer instanceof Error ? answer.message : `status ${answer.status}`}`;
    }
  }
  const namesFile = join(dir, 'names.txt');
  await writeFile(namesFile, `${names.join('\n')}\n`);
  const instance: Instance = { proxy, port: setup.listenPort, process, startSeconds, names, namesFile };
  const renew = async (index: number, apply: () => Promise<void> | void): Promise<number | undefined> => {
    const tenant = set.tenants[index];
    if (tenant === undefined || index === 0) throw new Error(`tenant ${index} cannot be renewed here`);
    const since = performance.now();
    const renewed = await set.renew(tenant);
    set.tenants[index] = renewed;
    await apply();
    return waitForSerial(setup.listenPort, renewed.hostname, renewed.serial, since, CHANGE_DEADLINE_MS);
  };
  if (proxy === 'portico') {
    instance.change = (index) => renew(index, async () => {
      const tenant = set.tenants[index];
      if (tenant !== undefined) await writeFile(join(how.filesDir, porticoTenantFileName(index)), porticoTenantFile(tenant, index, setup.listenPort));
    });
  } else if (proxy === 'nginx') {
    instance.change = (index) => renew(index, () => {
      process.child.kill('SIGHUP');
    });
  }
  return instance;
}
