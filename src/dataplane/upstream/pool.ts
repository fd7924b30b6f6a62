// Keep-alive connections to one backend endpoint (address, port, protocol).
// Pools are keyed by endpoint, not by configuration, so warm connections
// survive reloads; idle connections are reused most-recently-used first (the
// ones the backend is least likely to have timed out), closed after an idle
// timeout, and bounded in number.
import type { Sweepable } from '../http1/clock.ts';
import { UpstreamConnection } from './connection.ts';
import type { BackendStream, ConnectionPool } from './connection.ts';
import type { UpstreamTls } from './tls-dialer.ts';

export interface PoolSettings {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxIdle: number;
  maxHeaderBytes: number;
  now(): number;
  /** Told why a TLS handshake with a backend failed (at most every TLS_REPORT_INTERVAL_MS per pool). */
  onTlsFailure?(endpoint: string, reason: string): void;
}

/** A backend failing every handshake would otherwise log once per request. */
const TLS_REPORT_INTERVAL_MS = 10_000;

/** tls_failed: the TLS handshake or the backend's identity check failed; tls_invalid: the backend's TLS settings are unusable (no connection is tried). */
export type ConnectErrorCode = 'connect_refused' | 'connect_timeout' | 'connect_failed' | 'tls_failed' | 'tls_invalid';

export class ConnectError extends Error {
  readonly code: ConnectErrorCode;
  /** The system error code (ECONNREFUSED, EHOSTUNREACH, ...), when there is one. */
  readonly errno: string | undefined;

  constructor(code: ConnectErrorCode, message: string, errno?: string) {
    super(message);
    this.code = code;
    this.errno = errno;
  }
}

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

export class EndpointPool implements ConnectionPool, Sweepable, BackendPool {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** "address:port", for logs. */
  readonly endpoint: string;
  readonly #settings: PoolSettings;
  readonly #idle: UpstreamConnection[] = [];
  readonly #all = new Set<UpstreamConnection>();
  #retired = false;
  #connecting = 0;
  /** Created for a DNS answer (ExternalName) rather than a configured endpoint. */
  readonly dynamic: boolean;
  /** Connections are TLS under these settings (BackendTLSPolicy); part of `key`. */
  readonly #tls: UpstreamTls | undefined;
  #tlsReportedAt = Number.NEGATIVE_INFINITY;

  constructor(key: string, address: string, port: number, settings: PoolSettings, dynamic = false, tls?: UpstreamTls) {
    this.key = key;
    this.#tls = tls;
    this.address = address;
    this.port = port;
    this.endpoint = `${address}:${port}`;
    this.#settings = settings;
    this.dynamic = dynamic;
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
    const tls = this.#tls;
    if (tls?.invalid !== undefined) {
      const error = new ConnectError('tls_invalid', `the backend's TLS settings are unusable: ${tls.invalid}`);
      queueMicrotask(() => done(error, undefined));
      return;
    }
    const connection = new UpstreamConnection(this, this.address, this.port, this.#settings.maxHeaderBytes, tls?.dial);
    const socket = connection.socket;
    let tcpConnected = false;
    let settled = false;
    this.#connecting++;
    const settle = (error: ConnectError | undefined): void => {
      if (settled) return;
      settled = true;
      this.#connecting--;
      socket.setTimeout(0);
      socket.removeListener('error', onError);
      if (error !== undefined) {
        connection.destroy();
        done(error, undefined);
        return;
      }
      this.#all.add(connection);
      done(undefined, connection);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      const errno = error.code;
      if (tls !== undefined && tcpConnected) {
        const failure = tls.handshakeError(error);
        const now = this.#settings.now();
        if (now - this.#tlsReportedAt >= TLS_REPORT_INTERVAL_MS) {
          this.#tlsReportedAt = now;
          this.#settings.onTlsFailure?.(this.endpoint, failure.message);
        }
        settle(new ConnectError(failure.code, failure.message, errno));
        return;
      }
      const code: ConnectErrorCode = errno === 'ECONNREFUSED' ? 'connect_refused' : 'connect_failed';
      settle(new ConnectError(code, `cannot connect to ${this.address}:${this.port}: ${errno ?? error.message}`, errno));
    };
    if (tls === undefined) {
      socket.once('connect', () => settle(undefined));
    } else {
      socket.once('connect', () => (tcpConnected = true));
      socket.once('secureConnect', () => settle(undefined));
    }
    socket.on('error', onError);
    if (this.#settings.connectTimeoutMs > 0) {
      socket.setTimeout(this.#settings.connectTimeoutMs, () =>
        settle(new ConnectError('connect_timeout', `connecting to ${this.address}:${this.port} timed out`)));
    }
  }

  release(connection: UpstreamConnection): void {
    if (this.#retired || this.#idle.length >= this.#settings.maxIdle) {
      connection.destroy();
      return;
    }
    connection.idleSince = this.#settings.now();
    this.#idle.push(connection);
  }

  forget(connection: UpstreamConnection): void {
    this.#all.delete(connection);
    const index = this.#idle.indexOf(connection);
    if (index !== -1) this.#idle.splice(index, 1);
  }

  sweep(now: number): void {
    const timeout = this.#settings.idleTimeoutMs;
    if (timeout <= 0) return;
    // The oldest idle connections are at the bottom of the stack.
    while (this.#idle.length > 0 && now - (this.#idle[0] as UpstreamConnection).idleSince > timeout) {
      (this.#idle.shift() as UpstreamConnection).destroy();
    }
  }

  /** The endpoint left the configuration: close idle connections now, busy ones when their request ends. */
  retire(): void {
    this.#retired = true;
    for (const connection of this.#idle.splice(0)) connection.destroy();
  }

  /** Closes every connection, busy or not. */
  destroy(): void {
    this.#retired = true;
    this.#idle.length = 0;
    for (const connection of [...this.#all]) connection.destroy();
  }
}
