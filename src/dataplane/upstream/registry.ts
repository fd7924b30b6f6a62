// Every endpoint pool of a data plane, by endpoint key. Configurations get
// their pools from here when they are compiled; a reload keeps the pools of
// endpoints that stay (and their warm connections) and retires the others.
import type { Clock, Sweepable } from '../http1/clock.ts';
import { H2SessionPool } from './h2-pool.ts';
import { EndpointPool } from './pool.ts';
import type { BackendPool, PoolSettings } from './pool.ts';
import type { UpstreamTls } from './tls-dialer.ts';

export function endpointKey(address: string, port: number, protocol: string): string {
  return `${protocol}|${address}|${port}`;
}

export class PoolRegistry implements Sweepable {
  readonly #pools = new Map<string, BackendPool>();
  readonly #settings: PoolSettings;
  readonly #clock: Clock;

  constructor(settings: Omit<PoolSettings, 'now'>, clock: Clock) {
    this.#clock = clock;
    this.#settings = { ...settings, now: () => clock.now };
  }

  /**
   * The pool for an endpoint, created on first use. `dynamic` pools (for DNS
   * answers) outlive reloads and are dropped once they hold no connection.
   * TLS pools are keyed by their settings too: connections made under other
   * TLS settings (or in clear text) are never handed out for these.
   */
  pool(address: string, port: number, protocol: string, dynamic = false, tls?: UpstreamTls): BackendPool {
    const key = endpointKey(address, port, tls === undefined ? protocol : `${protocol}+tls:${tls.key}`);
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      // h2c: one multiplexed HTTP/2 session per endpoint (h2-pool.ts; over TLS with a BackendTLSPolicy); otherwise HTTP/1.1 connections.
      pool = protocol === 'h2c'
        ? new H2SessionPool(key, address, port, this.#settings, dynamic, tls)
        : new EndpointPool(key, address, port, this.#settings, dynamic, tls);
      this.#pools.set(key, pool);
      this.#clock.add(pool);
    }
    return pool;
  }

  /** Retires every configured pool whose key is not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [key, pool] of this.#pools) {
      if (keep.has(key) || pool.dynamic) continue;
      pool.retire();
      this.#pools.delete(key);
      this.#clock.delete(pool);
    }
  }

  sweep(): void {
    for (const [key, pool] of this.#pools) {
      if (!pool.dynamic || pool.size > 0) continue;
      this.#pools.delete(key);
      this.#clock.delete(pool);
    }
  }

  destroy(): void {
    for (const pool of this.#pools.values()) {
      pool.destroy();
      this.#clock.delete(pool);
    }
    this.#pools.clear();
  }
}
