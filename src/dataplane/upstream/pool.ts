// Keep-alive connections to one backend endpoint (address, port, protocol).
// Pools are keyed by endpoint, not by configuration, so warm connections
// survive reloads; idle connections are reused most-recently-used first (the
// ones the backend is least likely to have timed out), closed after an idle
// timeout, and bounded in number.
import { UpstreamConnection } from './connection.ts';
import type { BackendStream, ConnectionPool } from './connection.ts';
import { EndpointPoolBase } from './endpoint-pool-base.ts';
import type { ConnectError, PoolSettings } from './endpoint-pool-base.ts';
import type { Sweepable } from '../http1/clock.ts';
import type { UpstreamTls } from './tls-dialer.ts';

export { ConnectError } from './endpoint-pool-base.ts';
export type { ConnectErrorCode, PoolSettings } from './endpoint-pool-base.ts';

/** The requests of one backend endpoint: HTTP/1.1 connections (EndpointPool) or HTTP/2 sessions (h2-pool.ts). */
export interface BackendPool extends Sweepable {
  readonly key: string;
  /** "address:port", for logs. */
  readonly endpoint: string;
  /** Made for a DNS answer: dropped by the registry once it holds nothing. */
  readonly dynamic: boolean;
  /** Open and opening connections (sessions). */
  readonly size: number;
  /** A way to send a request now, or undefined (then call connect). */
  acquire(): BackendStream | undefined;
  connect(done: (error: ConnectError | undefined, stream: BackendStream | undefined) => void): void;
  /** A stream connect() gave that went unused. */
  release(stream: BackendStream): void;
  /** The endpoint left the configuration: close what is idle now, the rest when done. */
  retire(): void;
  destroy(): void;
}

export class EndpointPool extends EndpointPoolBase implements ConnectionPool, BackendPool {
  readonly #idle: UpstreamConnection[] = [];
  readonly #all = new Set<UpstreamConnection>();
  #connecting = 0;

  constructor(key: string, address: string, port: number, settings: PoolSettings, dynamic = false, tls?: UpstreamTls) {
    super(key, address, port, settings, dynamic, tls);
  }

  /** Open and opening connections, idle or busy. */
  get size(): number {
    return this.#all.size + this.#connecting;
  }

  get idleCount(): number {
    return this.#idle.length;
  }

  /** An idle connection to reuse, or undefined (then call connect). */
  acquire(): UpstreamConnection | undefined {
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop() as UpstreamConnection;
      if (!connection.destroyed) return connection;
    }
    return undefined;
  }

  /** Opens a new connection; `done` is called once, with the connection or the reason it failed. */
  connect(done: (error: ConnectError | undefined, connection: UpstreamConnection | undefined) => void): void {
    const unusable = this.unusableTls();
    if (unusable !== undefined) {
      queueMicrotask(() => done(unusable, undefined));
      return;
    }
    const connection = new UpstreamConnection(this, this.address, this.port, this.settings.maxHeaderBytes, (options) => this.dial(options));
    this.#connecting++;
    this.whenReady(connection.socket, undefined, (error) => {
      this.#connecting--;
      if (error !== undefined) {
        connection.destroy();
        done(error, undefined);
        return;
      }
      this.#all.add(connection);
      done(undefined, connection);
    });
  }

  release(connection: UpstreamConnection): void {
    if (this.retired || this.#idle.length >= this.settings.maxIdle) {
      connection.destroy();
      return;
    }
    connection.idleSince = this.settings.now();
    this.#idle.push(connection);
  }

  forget(connection: UpstreamConnection): void {
    this.#all.delete(connection);
    const index = this.#idle.indexOf(connection);
    if (index !== -1) this.#idle.splice(index, 1);
  }

  sweep(now: number): void {
    // The oldest idle connections are at the bottom of the stack.
    while (this.#idle.length > 0 && this.idleExpired((this.#idle[0] as UpstreamConnection).idleSince, now)) {
      (this.#idle.shift() as UpstreamConnection).destroy();
    }
  }

  /** The endpoint left the configuration: close idle connections now, busy ones when their request ends. */
  retire(): void {
    this.retired = true;
    for (const connection of this.#idle.splice(0)) connection.destroy();
  }

  /** Closes every connection, busy or not. */
  destroy(): void {
    this.retired = true;
    this.#idle.length = 0;
    for (const connection of [...this.#all]) connection.destroy();
  }
}
