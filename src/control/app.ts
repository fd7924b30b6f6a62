// One running Portico in file mode: file provider → control loop → data plane,
// plus the admin endpoint. `portico serve`, `portico quickstart` and the
// end-to-end tests all start Portico through here.
import { Registry } from 'prom-client';
import type { AdminServer } from '../admin/server.ts';
import { startAdmin } from '../admin/server.ts';
import { DataPlane } from '../dataplane/runtime.ts';
import { FileProvider } from '../providers/file/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { ControlLoop } from './loop.ts';
import { registerControlMetrics } from './metrics.ts';

export interface PorticoOptions {
  configDir: string;
  bindAddress?: string;
  adminPort?: number;
  adminAddress?: string;
  logger: Logger;
  /** File watch debounce; tests shorten it. */
  debounceMs?: number;
  reusePort?: boolean;
}

export interface Portico {
  loop: ControlLoop;
  dataPlane: DataPlane;
  admin: AdminServer | undefined;
  metrics: Registry;
  /** Resolves once every snapshot published so far has been handled. */
  settled(): Promise<void>;
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

export async function startPortico(options: PorticoOptions): Promise<Portico> {
  const metrics = new Registry();
  const dataPlane = new DataPlane({
    bindAddress: options.bindAddress ?? '0.0.0.0',
    logger: options.logger.child({ component: 'dataplane' }),
    reusePort: options.reusePort ?? false,
  });
  const loop = new ControlLoop({ sink: dataPlane, logger: options.logger.child({ component: 'control' }) });
  registerControlMetrics(metrics, () => loop.state);
  const provider = new FileProvider({
    dir: options.configDir,
    logger: options.logger.child({ component: 'files' }),
    debounceMs: options.debounceMs,
  });

  let inFlight: Promise<void> = Promise.resolve();
  const submit = (snapshot: Parameters<ControlLoop['submit']>[0]): void => {
    inFlight = loop.submit(snapshot);
  };
  submit(await provider.start());
  provider.onSnapshot(submit);
  await inFlight;

  const admin =
    options.adminPort === undefined
      ? undefined
      : await startAdmin({
          port: options.adminPort,
          host: options.adminAddress,
          state: () => loop.state,
          ready: () => loop.state.version > 0,
          metrics,
        });

  return {
    loop,
    dataPlane,
    admin,
    metrics,
    settled: () => inFlight,
    async close(closeOptions) {
      await provider.close();
      await inFlight;
      await admin?.close();
      await dataPlane.close(closeOptions);
    },
  };
}
