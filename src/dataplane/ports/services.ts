// The services a TCP port runs, one per port kind, each taking a new
// configuration in place (update) and draining when its port goes or changes
// kind:
// - HttpPortService: plain HTTP, every connection to the HTTP engine;
// - TlsPortService: the TLS front door; connections it terminates for HTTP go
//   to an HTTP engine with scheme https and the connection's TLS facts
//   (listener, SNI, ALPN, client certificate), passthrough and tcp entries are
//   relayed by the front door itself;
// - TcpProxyService: the TCP proxy.
import type { Socket } from 'node:net';
import type { IRBackend, IRTcpPort } from '../../ir/types.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { ConnectionInfo, Http2Engine } from '../connection-info.ts';
import type { Clock } from '../http1/clock.ts';
import type { HttpLimits } from '../http1/limits.ts';
import type { StreamCounters } from '../l4/forward.ts';
import { TcpProxy } from '../l4/tcp.ts';
import type { StreamServices } from '../l4/tcp.ts';
import type { UdpCounters } from '../l4/udp.ts';
import type { TcpPortService } from '../listener.ts';
import type { PortConfig } from '../proxy/config.ts';
import type { RequestLogInfo } from '../proxy/handler.ts';
import { HTTP1_ALPN } from '../tls/defaults.ts';
import { forwardedClientCertValue } from '../tls/forwarded-client-cert.ts';
import { TlsFrontDoor } from '../tls/front-door.ts';
import type { TicketSecret } from '../tls/ticket-secret.ts';
import type { FrontDoorCounters, TerminatedConnection } from '../tls/front-door.ts';
import { HttpEngine } from './http-engine.ts';

/** ALPN for terminated HTTP when an HTTP/2 engine is present (Envoy Gateway's default order). */
const H2_ALPN: readonly string[] = ['h2', 'http/1.1'];

/** What every port service shares: the data plane's limits, clock, logger, hooks and resolver. */
export interface PortDeps {
  limits: HttpLimits;
  clock: Clock;
  logger: Logger;
  onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
  http2: Http2Engine | undefined;
  stream: StreamServices;
  /** The data plane's session ticket secret, shared by its TLS ports (see tls/ticket-secret.ts). */
  ticketSecret: TicketSecret;
}

/** Counts for one listening socket: what metrics export, by port kind. */
export interface PortStats {
  transport: 'tcp' | 'udp';
  port: number;
  kind: 'http' | 'tls' | 'tcp' | 'udp';
  /** Open client connections (TLS: HTTP connections plus hellos being read and relays; UDP: live sessions). */
  connections: number;
  tls?: Readonly<FrontDoorCounters>;
  /** TLS contexts built since the port's service was made, and kept for its configuration (built lazily, at first handshake). */
  tlsContexts?: { built: number; kept: number };
  tcp?: Readonly<StreamCounters>;
  udp?: Readonly<UdpCounters>;
}

export class HttpPortService implements TcpPortService {
  readonly kind = 'http';
  readonly #engine: HttpEngine;

  constructor(config: PortConfig, deps: PortDeps) {
    this.#engine = new HttpEngine({ ...engineOptions(config, deps), scheme: 'http' }, config);
  }

  accept(socket: Socket): void {
    this.#engine.serveConnection(socket);
  }

  update(config: PortConfig): void {
    this.#engine.current = config;
  }

  drain(timeoutMs: number): Promise<void> {
    return this.#engine.drain(timeoutMs);
  }

  stats(port: number): PortStats {
    return { transport: 'tcp', port, kind: 'http', connections: this.#engine.connections };
  }
}

export class TlsPortService implements TcpPortService {
  readonly kind = 'tls';
  readonly #engine: HttpEngine;
  readonly #door: TlsFrontDoor;

  constructor(config: PortConfig, deps: PortDeps) {
    const tls = tlsOf(config);
    this.#engine = new HttpEngine({ ...engineOptions(config, deps), scheme: 'https' }, config);
    this.#door = new TlsFrontDoor(tls.port, tls.parts, {
      ...deps.stream,
      onHttp: (connection) => this.#handOver(connection),
      httpAlpn: deps.http2 === undefined ? HTTP1_ALPN : H2_ALPN,
      ticketSecret: deps.ticketSecret,
    });
  }

  accept(socket: Socket): void {
    this.#door.accept(socket);
  }

  /** New handshakes and requests follow `config`; contexts of unchanged certificates are kept. */
  update(config: PortConfig): void {
    const tls = tlsOf(config);
    this.#engine.current = config;
    this.#door.apply(tls.port, tls.parts);
  }

  async drain(timeoutMs: number): Promise<void> {
    await Promise.all([this.#door.close(timeoutMs), this.#engine.drain(timeoutMs)]);
  }

  stats(port: number): PortStats {
    return {
      transport: 'tcp', port, kind: 'tls', connections: this.#engine.connections + this.#door.connections,
      tls: this.#door.counters, tlsContexts: this.#door.contexts,
    };
  }

  #handOver(connection: TerminatedConnection): void {
    const { server, clientCertificate } = connection;
    const identity = server.forwardClientCert === true ? clientCertificate?.identity : undefined;
    const info: ConnectionInfo = {
      port: this.#engine.port,
      scheme: 'https',
      tls: {
        listener: server.listener,
        serverName: connection.serverName,
        alpn: connection.alpnProtocol,
        clientCertificate,
        forwardedClientCert: identity === undefined ? undefined : forwardedClientCertValue(identity),
      },
    };
    this.#engine.serveConnection(connection.socket, info);
  }
}

export class TcpProxyService implements TcpPortService {
  readonly kind = 'tcp';
  readonly #proxy: TcpProxy;

  constructor(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>, deps: PortDeps) {
    this.#proxy = new TcpProxy(port, backends, deps.stream);
  }

  accept(socket: Socket): void {
    this.#proxy.accept(socket);
  }

  update(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>): void {
    this.#proxy.apply(port, backends);
  }

  drain(timeoutMs: number): Promise<void> {
    return this.#proxy.close(timeoutMs);
  }

  stats(port: number): PortStats {
    return { transport: 'tcp', port, kind: 'tcp', connections: this.#proxy.connections, tcp: this.#proxy.counters };
  }
}

function engineOptions(config: PortConfig, deps: PortDeps): Omit<ConstructorParameters<typeof HttpEngine>[0], 'scheme'> {
  return {
    port: config.port,
    limits: deps.limits,
    clock: deps.clock,
    logger: deps.logger,
    onRequestComplete: deps.onRequestComplete,
    http2: deps.http2,
  };
}

function tlsOf(config: PortConfig): NonNullable<PortConfig['tls']> {
  // port-groups.ts gives a TLS socket only TLS-first ports, so compileConfig sets `tls`.
  if (config.tls === undefined) throw new Error(`port ${config.port} has no TLS configuration`);
  return config.tls;
}
