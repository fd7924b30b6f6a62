// The primary's side of a multi-process data plane: N worker processes, each
// a DataPlane on the same ports (SO_REUSEPORT, so the kernel spreads new
// connections over them; see DESIGN.md for why not a primary that accepts and
// hands on connections). As the control loop's ConfigSink, the pool pushes
// every IR to every worker and succeeds only when all of them applied it; if
// one refuses, the others are put back on the last good IR and the error goes
// to the loop, which keeps reporting the configuration that serves.
//
// Applies and the catching-up of (re)started workers run one at a time, in
// order, so a worker never misses or reorders a configuration.
//
// Each worker is sent a delta against the IR it serves (ir-delta.ts); a
// worker that holds nothing yet (a restarted one), or not what the pool
// thinks, gets the whole IR.
import { fileURLToPath } from 'node:url';
import type { IR } from '../ir/types.ts';
import type { Logger } from '../telemetry/log.ts';
import { mergeSnapshots } from '../telemetry/exposition.ts';
import type { MetricsState } from '../telemetry/metrics-state.ts';
import type { RequestMetricsSnapshot } from '../telemetry/request-metrics.ts';
import { WorkerAnswerError } from './channel.ts';
import { IREncoder, STALE_BASE } from './ir-delta.ts';
import type { ListeningAddress, PortConnections, WorkerSettings } from './protocol.ts';
import type { Serving, WorkerStatus } from './serving.ts';
import { WorkerSlot } from './slot.ts';
import { TicketRotation, ticketRotationMs } from './ticket-rotation.ts';

/** Compiling and binding a very large IR takes seconds; a worker silent for this long is stuck. */
const APPLY_TIMEOUT_MS = 60_000;
/** A scrape waits this long for a worker's counts, then uses the ones it had. */
const SCRAPE_TIMEOUT_MS = 1_000;
const EMPTY_IR: IR = { gateways: [] };

export interface WorkerPoolOptions {
  count: number;
  logger: Logger;
  /** Settings shared by every worker (the pool fills in `index`). */
  worker: Omit<WorkerSettings, 'index'>;
  /** Node/V8 flags for the worker processes. */
  execArgv: string[];
  /** The worker module; tests may point it elsewhere. */
  entry?: string;
  /** How often the TLS session ticket secret every worker shares is replaced (default: ticketRotationMs()). */
  ticketRotationMs?: number;
}

export class WorkerPool implements Serving {
  readonly #options: WorkerPoolOptions;
  readonly #logger: Logger;
  readonly #slots: WorkerSlot[];
  #queue: Promise<unknown> = Promise.resolve();
  #generation = 0;
  #target: { generation: number; ir: IR } | undefined;
  readonly #encoder = new IREncoder();
  /** Counts of workers that have exited, so totals never go backwards. */
  #retired: RequestMetricsSnapshot = { requests: [], connectErrors: [] };
  readonly #retiredRequests: number[];
  #booting: { resolve(): void; reject(error: Error): void; waiting: Set<WorkerSlot> } | undefined;
  #closed = false;
  /** One secret for all workers, so a TLS session resumes on whichever worker takes the reconnection. */
  readonly #tickets: TicketRotation;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#tickets = new TicketRotation(options.ticketRotationMs ?? ticketRotationMs(), () => {
      void this.#enqueue(() => this.#rotateTickets());
    });
    this.#logger = options.logger;
    this.#retiredRequests = Array.from({ length: options.count }, () => 0);
    const entry = options.entry ?? fileURLToPath(new URL('./worker-main.ts', import.meta.url));
    this.#slots = Array.from({ length: options.count }, (_, index) => new WorkerSlot({
      index,
      entry,
      execArgv: options.execArgv,
      settings: { ...options.worker, index },
      logger: options.logger,
      onStarted: (slot) => this.#startedWorker(slot),
      onExit: (slot, reason, last) => this.#exitedWorker(slot, reason, last),
    }));
  }

  /** Forks every worker; resolves when all are up, rejects (and stops the rest) if one dies first. */
  async start(): Promise<void> {
    const booted = new Promise<void>((resolve, reject) => {
      this.#booting = { resolve, reject, waiting: new Set(this.#slots) };
    });
    for (const slot of this.#slots) slot.spawn();
    try {
      await booted;
    } catch (error) {
      await this.close({ drainTimeoutMs: 0 });
      throw error;
    } finally {
      this.#booting = undefined;
    }
  }

  apply(ir: IR): Promise<void> {
    return this.#enqueue(() => this.#applyToAll(ir));
  }

  ready(): boolean {
    const target = this.#target;
    return target !== undefined && this.#slots.every((slot) => slot.state === 'serving' && slot.appliedGeneration === target.generation);
  }

  listening(): ListeningAddress[] {
    return this.#slots.find((slot) => slot.state === 'serving')?.listening ?? [];
  }

  workers(): WorkerStatus[] {
    return this.#slots.map((slot) => ({
      index: slot.index,
      pid: slot.pid,
      state: slot.state,
      restarts: slot.restarts,
      requests: (this.#retiredRequests[slot.index] ?? 0) + slot.metrics.total(),
    }));
  }

  async telemetry(): Promise<RequestMetricsSnapshot[]> {
    if (!this.#options.worker.metrics) return [];
    await Promise.all(this.#slots.map(async (slot) => {
      const channel = slot.channel;
      if (channel === undefined || slot.state === 'starting') return;
      const metrics = slot.metrics;
      try {
        const update = await channel.call('metrics', { full: slot.needFullMetrics }, SCRAPE_TIMEOUT_MS);
        if (update !== undefined) metrics.apply(update);
        slot.needFullMetrics = false;
      } catch {
        // A worker busy or on its way out: its last counts stand in, and
        // since this answer may have been lost, the next scrape asks for all.
        slot.needFullMetrics = true;
      }
    }));
    return [this.#retired, ...this.#slots.map((slot) => slot.metrics.snapshot())];
  }

  async connections(): Promise<PortConnections[]> {
    if (!this.#options.worker.metrics) return [];
    const answers = await Promise.all(this.#slots.map((slot) => {
      const channel = slot.channel;
      if (channel === undefined || slot.state === 'starting') return Promise.resolve([]);
      return channel.call('connections', {}, SCRAPE_TIMEOUT_MS).catch(() => []); // a busy worker's connections go uncounted this once
    }));
    const total = new Map<string, PortConnections>();
    for (const entry of answers.flat()) {
      const key = `${entry.kind}/${entry.port}`;
      const sum = total.get(key);
      if (sum === undefined) total.set(key, { ...entry });
      else sum.connections += entry.connections;
    }
    return [...total.values()];
  }

  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tickets.stop();
    await this.#queue;
    await Promise.all(this.#slots.map((slot) => slot.stop(options.drainTimeoutMs ?? 10_000)));
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #applyToAll(ir: IR): Promise<void> {
    if (this.#closed) throw new Error('the worker pool is closed');
    const generation = ++this.#generation;
    const participants = this.#slots.filter((slot) => slot.state === 'serving');
    const outcomes = await Promise.allSettled(participants.map((slot) => this.#applyTo(slot, ir)));
    const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (failed === -1) {
      this.#target = { generation, ir };
      for (const slot of participants) slot.appliedGeneration = generation;
      return;
    }
    // Put the workers that took the new IR back on the last good one, so all
    // serve what the control loop reports. A worker that refused it still
    // serves the last good one (its apply is atomic); one that did not answer
    // might yet take it, so it is restarted, and catches up with the last good.
    const previous = this.#target?.ir ?? EMPTY_IR;
    await Promise.all(participants.map(async (slot, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'rejected') {
        if (!(outcome.reason instanceof WorkerAnswerError)) slot.kill();
        return;
      }
      await this.#applyTo(slot, previous).catch(() => slot.kill());
    }));
    const reason = (outcomes[failed] as PromiseRejectedResult).reason as Error;
    throw new Error(`worker ${participants[failed]?.index}: ${reason.message}`, { cause: reason });
  }

  async #applyTo(slot: WorkerSlot, ir: IR): Promise<void> {
    const channel = slot.channel;
    if (channel === undefined) throw new Error('not running');
    let result;
    try {
      result = await channel.call('apply', { delivery: this.#encoder.encode(ir, slot.holds) }, APPLY_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof WorkerAnswerError && error.message.startsWith(STALE_BASE)) || slot.holds === undefined) throw error;
      this.#logger.warn({ worker: slot.index, err: error.message }, 'worker does not hold the configuration it was thought to; sending the whole of it');
      slot.holds = undefined;
      result = await channel.call('apply', { delivery: this.#encoder.encode(ir) }, APPLY_TIMEOUT_MS);
    }
    slot.holds = ir;
    slot.listening = result.listening;
  }

  #sendTicketSecret(slot: WorkerSlot): Promise<void> {
    const channel = slot.channel;
    if (channel === undefined) return Promise.reject(new Error('not running'));
    return channel.call('ticketSecret', { secret: this.#tickets.secret.toString('base64') }, SCRAPE_TIMEOUT_MS);
  }

  /** Every serving worker takes the new secret; one that does not answer keeps the old (its tickets resume only on itself until it restarts). */
  async #rotateTickets(): Promise<void> {
    if (this.#closed) return;
    await Promise.all(this.#slots.filter((slot) => slot.state === 'serving').map((slot) => this.#sendTicketSecret(slot).catch((error: unknown) => {
      this.#logger.warn({ worker: slot.index, err: (error as Error).message }, 'worker did not take the new TLS ticket secret');
    })));
  }

  /** A (re)started worker takes the ticket secret and catches up with the current configuration before it counts as serving. */
  #startedWorker(slot: WorkerSlot): void {
    slot.state = 'syncing';
    void this.#enqueue(async () => {
      if (slot.state !== 'syncing' || this.#closed) return; // it died meanwhile, or everything is stopping
      const target = this.#target;
      try {
        // The secret first: the worker binds no port before it has a configuration.
        await this.#sendTicketSecret(slot);
        if (target !== undefined) await this.#applyTo(slot, target.ir);
      } catch (error) {
        this.#logger.error({ worker: slot.index, err: (error as Error).message }, 'worker cannot serve the current configuration; restarting it');
        slot.kill();
        return;
      }
      slot.appliedGeneration = target?.generation ?? 0;
      slot.state = 'serving';
      this.#logger.info({ worker: slot.index, pid: slot.pid, restarts: slot.restarts }, 'worker serving');
      this.#booting?.waiting.delete(slot);
      if (this.#booting?.waiting.size === 0) this.#booting.resolve();
    });
  }

  #exitedWorker(slot: WorkerSlot, reason: string, metrics: MetricsState): void {
    this.#retired = mergeSnapshots([this.#retired, metrics.snapshot()]);
    this.#retiredRequests[slot.index] = (this.#retiredRequests[slot.index] ?? 0) + metrics.total();
    if (this.#booting?.waiting.has(slot)) this.#booting.reject(new Error(`worker ${slot.index} exited before it could serve: ${reason}`));
  }
}
