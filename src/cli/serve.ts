// `portico serve --config DIR [--admin-port N] [--bind-address ADDR]`
import { startPortico } from '../control/app.ts';
import { createLogger } from '../telemetry/log.ts';
import { parse, portFlag, requireFlag, withUsage } from './args.ts';
import { untilSignal } from './signals.ts';

const usage = `usage: portico serve --config DIR [--admin-port N] [--admin-address ADDR] [--bind-address ADDR]

Serves the Gateways in DIR (every *.yaml/*.yml, recursively) and reloads when
files change. Listener ports bind on --bind-address (default 0.0.0.0); the admin
endpoint (/readyz /healthz /status /config /metrics) on 127.0.0.1:--admin-port.
`;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      'admin-port': { type: 'string' },
      'admin-address': { type: 'string' },
      'bind-address': { type: 'string' },
      'drain-timeout': { type: 'string' },
    });
    const logger = createLogger();
    const portico = await startPortico({
      configDir: requireFlag('config', values.config),
      adminPort: portFlag('admin-port', values['admin-port']),
      adminAddress: values['admin-address'],
      bindAddress: values['bind-address'] ?? '0.0.0.0',
      logger,
    });
    logger.info(
      { listening: portico.dataPlane.listening(), admin: portico.admin?.port },
      'portico serving',
    );
    const signal = await untilSignal();
    logger.info({ signal }, 'draining');
    await portico.close({ drainTimeoutMs: Number(values['drain-timeout'] ?? 10_000) });
    logger.info({}, 'stopped');
    return 0;
  });
}
