// What both kinds of endpoint pool share (pool.ts: HTTP/1.1 connections;
// h2-pool.ts: HTTP/2 sessions): the endpoint they serve and their settings,
// the one way a connection to it is opened — TCP, or TLS through the
// backend's UpstreamTls (tls-dialer.ts: SNI, trusted CAs, identity check,
// client certificate, session resumption) — with its failures sorted into
// ConnectErrors, and when an idle connection is due to close.
import { connect } from 'node:net';
import type { NetConnectOpts, Socket } from 'node:net';
import type { Sweepable } from '../http1/clock.ts';
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

/** tls_failed: the TLS handshake, the backend's identity check or the ALPN choice failed; tls_invalid: the backend's TLS settings are unusable (no connection is tried). */
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

export abstract class EndpointPoolBase implements Sweepable {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** "address:port", for logs. */
  readonly endpoint: string;
  /** Created for a DNS answer (ExternalName) rather than a configured endpoint. */
  readonly dynamic: boolean;
  protected readonly settings: PoolSettings;
  /** Connections are TLS under these settings (BackendTLSPolicy); part of `key`. */
  protected readonly tls: UpstreamTls | undefined;
  /** The endpoint left the configuration (or the pool was destroyed): nothing new is kept. */
  protected retired = false;
  #tlsReportedAt = Number.NEGATIVE_INFINITY;

  constructor(key: string, address: string, port: number, settings: PoolSettings, dynamic: boolean, tls: UpstreamTls | undefined) {
    this.key = key;
    this.address = address;
    this.port = port;
    this.endpoint = `${address}:${port}`;
    this.settings = settings;
    this.dynamic = dynamic;
    this.tls = tls;
  }

  abstract sweep(now: number): void;

  /** An idle connection (since `idleSince`) has outlived the idle timeout. */
  protected idleExpired(idleSince: number, now: number): boolean {
    const timeout = this.settings.idleTimeoutMs;
    return timeout > 0 && now - idleSince > timeout;
  }

  /** Set when no connection can be made under the backend's TLS settings. */
  protected unusableTls(): ConnectError | undefined {
    const invalid = this.tls?.invalid;
    return invalid === undefined ? undefined : new ConnectError('tls_invalid', `the backend's TLS settings are unusable: ${invalid}`);
  }

  /** Opens a socket to the endpoint: TLS offering `alpn` (default HTTP/1.1) when the backend has TLS settings. */
  protected dial(options: NetConnectOpts, alpn?: readonly string[]): Socket {
    return this.tls === undefined ? connect(options) : this.tls.dial(options, alpn);
  }

  /**
   * Calls `done` once, when `socket` (from dial()) can carry requests — TCP
   * connected, or TLS verified, with `alpn` selected when one is required —
   * or with the reason it cannot. The socket is left open either way: on an
   * error the caller closes it.
   */
  protected whenReady(socket: Socket, alpn: string | undefined, done: (error: ConnectError | undefined) => void): void {
    const tls = this.tls;
    let tcpConnected = false;
    let settled = false;
    const settle = (error: ConnectError | undefined): void => {
      if (settled) return;
      settled = true;
      socket.setTimeout(0, onTimeout);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      done(error);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      const errno = error.code;
      if (tls !== undefined && tcpConnected) {
        const failure = tls.handshakeError(error);
        this.#reportTls(failure.message);
        settle(new ConnectError(failure.code, failure.message, errno));
        return;
      }
      const code: ConnectErrorCode = errno === 'ECONNREFUSED' ? 'connect_refused' : 'connect_failed';
      settle(new ConnectError(code, `cannot connect to ${this.endpoint}: ${errno ?? error.message}`, errno));
    };
    const onTimeout = (): void => settle(new ConnectError('connect_timeout', `connecting to ${this.endpoint} timed out`));
    const onClose = (): void => settle(new ConnectError('connect_failed', `connection to ${this.endpoint} closed before it was ready`));
    if (tls === undefined) {
      socket.once('connect', () => settle(undefined));
    } else {
      socket.once('connect', () => (tcpConnected = true));
      socket.once('secureConnect', () => settle(this.#alpnRefusal(socket, alpn)));
    }
    socket.on('error', onError);
    socket.once('close', onClose);
    if (this.settings.connectTimeoutMs > 0) socket.setTimeout(this.settings.connectTimeoutMs, onTimeout);
  }

  /** The backend finished the handshake without selecting the protocol this pool speaks (e.g. h2): the connection is of no use. */
  #alpnRefusal(socket: Socket, alpn: string | undefined): ConnectError | undefined {
    const selected = (socket as Socket & { alpnProtocol?: string | false | null }).alpnProtocol;
    if (alpn === undefined || selected === alpn) return undefined;
    const message = `the backend (SNI ${this.tls?.servername ?? ''}) did not select ${alpn} in ALPN (it selected ${typeof selected === 'string' ? selected : 'none'})`;
    this.#reportTls(message);
    return new ConnectError('tls_failed', message);
  }

  #reportTls(message: string): void {
    const now = this.settings.now();
    if (now - this.#tlsReportedAt < TLS_REPORT_INTERVAL_MS) return;
    this.#tlsReportedAt = now;
    this.settings.onTlsFailure?.(this.endpoint, message);
  }
}
