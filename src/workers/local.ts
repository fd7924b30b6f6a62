// One worker: the data plane runs in this process, with no fork and no IPC,
// so `PORTICO_WORKERS=1` (benchmarks) and the in-process tests pay nothing
// for the multi-process machinery.
import { Http2FrontEnd } from '../dataplane/http2/engine.ts';
import { DataPlane } from '../dataplane/runtime.ts';
import type { IR } from '../ir/types.ts';
import type { AccessLog } from '../telemetry/access-log.ts';
import type { Logger } from '../telemetry/log.ts';
import { requestHook } from '../telemetry/request-hook.ts';
import { MetricsState } from '../telemetry/metrics-state.ts';
import type { RequestMetrics, RequestMetricsSnapshot } from '../telemetry/request-metrics.ts';
import type { ListeningAddress, PortConnections } from './protocol.ts';
import type { Serving, WorkerStatus } from './serving.ts';
import { TicketRotation, ticketRotationMs } from './ticket-rotation.ts';

export interface LocalServingOptions {
  bindAddress: string;
  logger: Logger;
  reusePort: boolean;
  metrics: RequestMetrics | undefined;
  accessLog: AccessLog | undefined;
  /** How often the TLS session ticket secret is replaced (default: ticketRotationMs()). */
  ticketRotationMs?: number;
}

export class LocalServing implements Serving {
  readonly dataPlane: DataPlane;
  readonly #metrics: RequestMetrics | undefined;
  readonly #accessLog: AccessLog | undefined;
  readonly #state = new MetricsState();
  readonly #tickets: TicketRotation;
  #applied = false;

  constructor(options: LocalServingOptions) {
    this.#metrics = options.metrics;
    this.#accessLog = options.accessLog;
    this.#tickets = new TicketRotation(options.ticketRotationMs ?? ticketRotationMs(), (secret) => this.dataPlane.setTicketSecret(secret));
    this.dataPlane = new DataPlane({
      bindAddress: options.bindAddress,
      logger: options.logger,
      reusePort: options.reusePort,
      http2: new Http2FrontEnd(),
      onRequestComplete: requestHook(options.metrics, options.accessLog),
      ticketSecret: this.#tickets.secret,
    });
  }

  async apply(ir: IR): Promise<void> {
    await this.dataPlane.apply(ir);
    this.#metrics?.configure(ir);
    this.#applied = true;
  }

  ready(): boolean {
    return this.#applied;
  }

  listening(): ListeningAddress[] {
    return this.dataPlane.listening();
  }

  telemetry(): Promise<RequestMetricsSnapshot[]> {
    if (this.#metrics === undefined) return Promise.resolve([]);
    this.#state.apply(this.#metrics.collect(false));
    return Promise.resolve([this.#state.snapshot()]);
  }

  connections(): Promise<PortConnections[]> {
    if (this.#metrics === undefined) return Promise.resolve([]);
    return Promise.resolve(this.dataPlane.stats().map(({ port, kind, connections }) => ({ port, kind, connections })));
  }

  workers(): WorkerStatus[] {
    return [];
  }

  async close(options?: { drainTimeoutMs?: number }): Promise<void> {
    this.#tickets.stop();
    await this.dataPlane.close(options);
    this.#accessLog?.flush();
  }
}
