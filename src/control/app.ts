// One running Portico in file mode: file provider → control loop → data plane,
// plus the admin endpoint. `portico serve`, `portico quickstart` and the
// end-to-end tests all start Portico through here.
//
// With one worker (the default here) the data plane runs in this process. With
// more, this process is the primary: it runs the provider, the loop and the
// admin endpoint, and worker processes serve the traffic (src/workers).
import type { AdminServer } from '../admin/server.ts';
import { startAdmin } from '../admin/server.ts';
import { FileProvider } from '../providers/file/index.ts';
import { createAccessLog } from '../telemetry/access-log.ts';
import { TelemetryRegistry } from '../telemetry/exposition.ts';
import type { Logger } from '../telemetry/log.ts';
import { registerProcessMemoryMetrics } from '../telemetry/process-memory.ts';
import { countingReloads } from '../telemetry/reloads.ts';
import { RequestMetrics } from '../telemetry/request-metrics.ts';
import { registerConnectionMetrics } from '../workers/connection-metrics.ts';
import { LocalServing } from '../workers/local.ts';
import { registerWorkerMetrics } from '../workers/metrics.ts';
import { WorkerPool } from '../workers/pool.ts';
import type { Serving } from '../workers/serving.ts';
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
  /** Worker processes; 1 (the default) serves in this process. */
  workers?: number;
  /** Node/V8 flags for worker processes (see src/workers/v8-flags.ts). */
  workerExecArgv?: string[];
  /** One JSON line per request on stdout. */
  accessLog?: boolean;
  /** Route labels on the request metrics (opt-in: one series set per route). */
  routeMetrics?: boolean;
  /** Drain timeout of a worker that stops on its own (a signal sent to it, or the primary gone). */
  drainTimeoutMs?: number;
}

export interface Portico {
  loop: ControlLoop;
  serving: Serving;
  admin: AdminServer | undefined;
  metrics: TelemetryRegistry;
  /** Resolves once every snapshot published so far has been handled. */
  settled(): Promise<void>;
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

export async function startPortico(options: PorticoOptions): Promise<Portico> {
  const serving = await startServing(options);
  const metrics = new TelemetryRegistry(() => serving.telemetry());
  let loop: ControlLoop;
  try {
    loop = new ControlLoop({
      sink: { apply: countingReloads(metrics, (ir) => serving.apply(ir)) },
      logger: options.logger.child({ component: 'control' }),
    });
  } catch (error) {
    await serving.close({ drainTimeoutMs: 0 });
    throw error;
  }
  registerControlMetrics(metrics, () => loop.state);
  registerWorkerMetrics(metrics, () => serving.workers());
  registerConnectionMetrics(metrics, () => serving.connections(), () => loop.state.ir);
  registerProcessMemoryMetrics(metrics);
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
          // Every process serves the configuration the loop reports.
          ready: () => loop.state.version > 0 && serving.ready(),
          metrics,
        });

  return {
    loop,
    serving,
    admin,
    metrics,
    settled: () => inFlight,
    async close(closeOptions) {
      await provider.close();
      await inFlight;
      await admin?.close();
      await serving.close(closeOptions);
    },
  };
}

async function startServing(options: PorticoOptions): Promise<Serving> {
  const bindAddress = options.bindAddress ?? '0.0.0.0';
  // Requests are only counted when an admin endpoint can show the counts.
  const metrics = options.adminPort !== undefined;
  const workers = options.workers ?? 1;
  if (workers <= 1) {
    return new LocalServing({
      bindAddress,
      logger: options.logger.child({ component: 'dataplane' }),
      reusePort: options.reusePort ?? false,
      metrics: metrics ? new RequestMetrics({ routeLabels: options.routeMetrics }) : undefined,
      accessLog: options.accessLog === true ? createAccessLog() : undefined,
    });
  }
  const pool = new WorkerPool({
    count: workers,
    logger: options.logger.child({ component: 'workers' }),
    execArgv: options.workerExecArgv ?? [],
    worker: {
      bindAddress,
      metrics,
      routeMetrics: options.routeMetrics ?? false,
      accessLog: options.accessLog ?? false,
      drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    },
  });
  await pool.start();
  return pool;
}
