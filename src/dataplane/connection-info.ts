// What the data plane knows about one client connection before any request on
// it, and the seam an HTTP/2 engine plugs into. A listener's accept path
// hands every connection to a `serveConnection(socket, info)`: the HTTP/1.1
// engine, or, for a connection that speaks HTTP/2 (prior knowledge on a plain
// port, ALPN h2 on a TLS port), the engine given as DataPlaneOptions.http2.
import type { Socket } from 'node:net';
import type { Logger } from '../telemetry/log.ts';
import type { Clock } from './http1/clock.ts';
import type { HttpLimits } from './http1/limits.ts';
import type { PortConfig } from './proxy/config.ts';
import type { RequestLogInfo } from './proxy/handler.ts';
import type { ClientCertificateStatus } from './tls/client-identity.ts';

export interface ConnectionInfo {
  /** The listening port. */
  readonly port: number;
  /** What the client used: X-Forwarded-Proto, Forwarded proto= and redirects that keep the scheme say it. */
  readonly scheme: 'http' | 'https';
  /** Present when Portico terminated TLS on this connection. */
  readonly tls: TlsConnectionInfo | undefined;
}

export interface TlsConnectionInfo {
  /**
   * The listener the ClientHello's server name selected
   * ("gateway/<ns>/<name>/listener/<section>"): a request whose Host belongs
   * to another listener on the port is answered 421 (Gateway spec, "detect
   * misdirected requests").
   */
  readonly listener: string;
  /** The SNI the client sent, lowercased; undefined without one. */
  readonly serverName: string | undefined;
  /** The ALPN protocol agreed ('http/1.1', 'h2'); undefined when the client offered none. */
  readonly alpn: string | undefined;
  /** The client certificate's verdict; undefined when the listener does not validate client certificates. */
  readonly clientCertificate: ClientCertificateStatus | undefined;
  /**
   * The x-forwarded-client-cert value sent to backends with every request of
   * this connection: set only when the listener asks for it and the client's
   * certificate verified (never for AllowInsecureFallback connections without one).
   */
  readonly forwardedClientCert: string | undefined;
}

/** A client connection a port can drain (close once idle) and cut off (at the drain deadline). */
export interface DrainableConnection {
  /** Finish what is under way, take nothing new, then close. */
  drain(): void;
  /** Close now. */
  destroy(): void;
}

/** What an HTTP port offers an engine that takes over one of its connections. */
export interface HttpPortContext {
  /** The port's current configuration (swapped on apply): read it once per request, when its head is complete. */
  config(): PortConfig;
  readonly limits: HttpLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
  /** True once the port drains (removed by an apply, or shutdown): accept no new streams. */
  readonly draining: boolean;
  /**
   * Registers a connection so the port's drain and shutdown reach it (drain()
   * is called at once if the port is already draining). Call the returned
   * function when the connection has closed.
   */
  track(connection: DrainableConnection): () => void;
}

/** The HTTP/2 engine (src/dataplane/http2/): given to the DataPlane, it is offered ALPN h2 and the h2c preface. */
export interface Http2Engine {
  /**
   * Takes over `socket` for good. `head`: bytes already read from it (on a
   * plain port, the connection preface "PRI * HTTP/2.0..." as far as it
   * arrived in the first read); empty on TLS.
   */
  serveConnection(socket: Socket, head: Buffer, info: ConnectionInfo, port: HttpPortContext): void;
}
