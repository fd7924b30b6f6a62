// `portico serve --config DIR [--admin-port N] [--bind-address ADDR] [--workers N]
//                [--access-log] [--route-metrics] [--drain-timeout MS]`
import { availableParallelism } from 'node:os';
import { ensureSemiSpace, workerExecArgv } from '../workers/v8-flags.ts';
import { parse, portFlag, requireFlag, UsageError, withUsage } from './args.ts';
import { untilSignal } from './signals.ts';

const usage = `usage: portico serve --config DIR [--admin-port N] [--admin-address ADDR] [--bind-address ADDR]
                     [--workers N] [--access-log] [--route-metrics] [--drain-timeout MS]

Serves the Gateways in DIR (every *.yaml/*.yml, recursively) and reloads when
files change. Listener ports bind on --bind-address (default 0.0.0.0); the admin
endpoint (/readyz /healthz /status /config /metrics) on 127.0.0.1:--admin-port.

  --workers N        worker processes sharing the ports (default: one per core;
                     also PORTICO_WORKERS=N). 1 serves in this process.
  --access-log       one JSON line per request on stdout
  --route-metrics    label request metrics with the route (namespace/name)
  --drain-timeout MS how long requests in flight may take to finish on stop
                     (default 10000)
`;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      'admin-port': { type: 'string' },
      'admin-address': { type: 'string' },
      'bind-address': { type: 'string' },
      'drain-timeout': { type: 'string' },
      workers: { type: 'string' },
      'access-log': { type: 'boolean' },
      'route-metrics': { type: 'boolean' },
    });
    const configDir = requireFlag('config', values.config);
    const workers = workerCount(values.workers, process.env.PORTICO_WORKERS);
    const drainTimeoutMs = milliseconds('drain-timeout', values['drain-timeout']) ?? 10_000;
    // One worker serves in this process, which then needs the workers' V8 heap
    // setting too: this replaces the process with one that has it (same pid).
    if (workers === 1) ensureSemiSpace();

    // Loaded only now: a usage error answers at once, and the re-executed
    // process is the only one that loads the whole of Portico.
    const [{ startPortico }, { createLogger }] = await Promise.all([import('../control/app.ts'), import('../telemetry/log.ts')]);
    const logger = createLogger();
    const portico = await startPortico({
      configDir,
      adminPort: portFlag('admin-port', values['admin-port']),
      adminAddress: values['admin-address'],
      bindAddress: values['bind-address'] ?? '0.0.0.0',
      logger,
      workers,
      workerExecArgv: workerExecArgv(process.execArgv),
      accessLog: values['access-log'] ?? false,
      routeMetrics: values['route-metrics'] ?? false,
      drainTimeoutMs,
    });
    logger.info(
      { listening: portico.serving.listening(), admin: portico.admin?.port, workers },
      'portico serving',
    );
    // The file watcher does not hold the process open; with no port bound
    // (a first configuration that failed) serve must still wait for a fix.
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    const signal = await untilSignal();
    clearInterval(keepAlive);
    logger.info({ signal }, 'draining');
    await portico.close({ drainTimeoutMs });
    logger.info({}, 'stopped');
    return 0;
  });
}

/** --workers, else PORTICO_WORKERS, else one per core the process may use. */
function workerCount(flag: string | undefined, env: string | undefined): number {
  const [source, value] = flag !== undefined ? ['--workers', flag] : env !== undefined && env !== '' ? ['PORTICO_WORKERS', env] : [undefined, undefined];
  if (value === undefined) return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1024) throw new UsageError(`${source} must be a whole number from 1 to 1024, got "${value}"`);
  return count;
}

function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new UsageError(`--${name} must be a whole number of milliseconds, got "${value}"`);
  return ms;
}
