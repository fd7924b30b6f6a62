// The data plane: serves the IR on real sockets. `apply` is atomic: new ports
// are bound first (any failure undoes them and changes nothing), then every
// port's configuration is swapped in one step, then ports no longer used are
// drained. Ports that stay keep their sockets and connections; upstream pools
// are keyed by endpoint, so warm backend connections survive reloads too.
import type { IR } from '../ir/types.ts';
import type { Logger } from '../telemetry/log.ts';
import { Clock, sweepIntervalFor } from './http1/clock.ts';
import { resolveLimits } from './http1/limits.ts';
import type { HttpLimits } from './http1/limits.ts';
import { PortListener } from './listener.ts';
import { compileConfig } from './proxy/config.ts';
import { CompileCache } from './proxy/config-cache.ts';
import type { RequestLogInfo } from './proxy/handler.ts';
import { DnsCache } from './upstream/dns.ts';
import { PoolRegistry } from './upstream/registry.ts';

export type { HttpLimits } from './http1/limits.ts';
export type { RequestLogInfo } from './proxy/handler.ts';
export { BindError } from './listener.ts';

export interface DataPlaneOptions {
  /** Address the listener ports bind to; '0.0.0.0' by default. */
  bindAddress: string;
  logger: Logger;
  limits?: Partial<HttpLimits>;
  /** SO_REUSEPORT, so several worker processes can share the ports. */
  reusePort?: boolean;
  /** Called once per finished request (access logs, metrics). */
  onRequestComplete?: (info: RequestLogInfo) => void;
  /** How long a removed port's connections may take to finish their requests (default 30 s). */
  drainTimeoutMs?: number;
}

export interface ApplyResult {
  /** Ports bound by this apply. */
  added: number[];
  /** Ports released by this apply. */
  removed: number[];
  /** Ports that kept their sockets and now serve the new configuration. */
  kept: number[];
}

const DEFAULT_DRAIN_MS = 30_000;

export class DataPlane {
  readonly #options: DataPlaneOptions;
  readonly #limits: HttpLimits;
  readonly #clock: Clock;
  readonly #registry: PoolRegistry;
  readonly #dns = new DnsCache();
  readonly #listeners = new Map<number, PortListener>();
  readonly #draining = new Set<Promise<void>>();
  readonly #compiled = new CompileCache();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: DataPlaneOptions) {
    this.#options = options;
    this.#limits = resolveLimits(options.limits);
    const limits = this.#limits;
    this.#clock = new Clock(sweepIntervalFor([limits.headerTimeoutMs, limits.idleTimeoutMs, limits.bodyIdleTimeoutMs, limits.upstreamIdleTimeoutMs]));
    this.#registry = new PoolRegistry({
      connectTimeoutMs: limits.connectTimeoutMs,
      idleTimeoutMs: limits.upstreamIdleTimeoutMs,
      maxIdle: limits.maxIdlePerEndpoint,
      maxHeaderBytes: limits.maxHeaderBytes,
    }, this.#clock);
    this.#clock.add(this.#registry);
  }

  /** Serves `ir` from now on. Calls are applied one after another, in call order. */
  apply(ir: IR): Promise<ApplyResult> {
    const result = this.#queue.then(() => this.#apply(ir));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  listening(): { port: number; address: string }[] {
    return [...this.#listeners.values()].map((listener) => listener.boundAddress());
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to
   * the timeout), close idle keep-alive connections, then everything else.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    const timeout = options.drainTimeoutMs ?? this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    await Promise.all([...listeners.map((listener) => listener.drain(timeout)), ...this.#draining]);
    this.#registry.destroy();
    this.#clock.stop();
  }

  async #apply(ir: IR): Promise<ApplyResult> {
    if (this.#closed) throw new Error('the data plane is closed');
    const compiled = compileConfig(ir, this.#registry, this.#dns, this.#compiled);
    const logger = this.#options.logger;

    const added: PortListener[] = [];
    for (const [port, config] of compiled.ports) {
      if (this.#listeners.has(port)) continue;
      added.push(new PortListener({
        port,
        address: this.#options.bindAddress,
        reusePort: this.#options.reusePort ?? false,
        limits: this.#limits,
        clock: this.#clock,
        logger,
        onRequestComplete: this.#options.onRequestComplete,
      }, config));
    }
    const bound = await Promise.allSettled(added.map((listener) => listener.listen()));
    const failure = bound.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(added.filter((_, i) => bound[i]?.status === 'fulfilled').map((listener) => listener.close()));
      throw failure.reason;
    }

    // The swap: synchronous, so no request sees half of it.
    const kept: number[] = [];
    for (const [port, config] of compiled.ports) {
      const listener = this.#listeners.get(port);
      if (listener !== undefined) {
        listener.config = config;
        kept.push(port);
      }
    }
    for (const listener of added) this.#listeners.set(listener.port, listener);
    const removed: number[] = [];
    for (const [port, listener] of this.#listeners) {
      if (compiled.ports.has(port)) continue;
      this.#listeners.delete(port);
      removed.push(port);
      const drained = listener.drain(this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_MS);
      this.#draining.add(drained);
      void drained.finally(() => this.#draining.delete(drained));
    }
    this.#registry.retain(compiled.endpointKeys);
    this.#dns.retain(compiled.hostnames);

    const result = { added: added.map((listener) => listener.port), removed, kept };
    logger.info(result, 'configuration applied');
    for (const { backend, protocol } of compiled.unsupported) {
      logger.warn({ backend, protocol }, 'backend protocol not supported yet by the HTTP/1.1 engine: its requests are answered 503');
    }
    return result;
  }
}
