// The front door of a TLS-first port (IRHttpPort.tls): reads each
// connection's ClientHello without consuming it, selects the TLS server entry
// by SNI, then
// - passthrough: connects to the entry's route (a weighted pick) and replays
//   the hello, so the client handshakes with the backend itself;
// - tcp: terminates TLS (the hello put back into the socket first) and relays
//   the plaintext to the route's backend;
// - http: terminates TLS and hands the socket, with the entry, the agreed ALPN
//   protocol and the client certificate's verdict, to the HTTP engine.
// apply() affects new connections; handshakes and relays under way finish on
// what they started with.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IRCertificate, IRGateway, IRHttpPort, IRTlsPortConfig, IRTlsServer } from '../../ir/types.ts';
import { ConnectionSet } from '../l4/connection-set.ts';
import type { Closable } from '../l4/connection-set.ts';
import { forward, newStreamCounters } from '../l4/forward.ts';
import type { ForwardContext, StreamCounters } from '../l4/forward.ts';
import { StreamTarget } from '../l4/stream-target.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TCP_IDLE_MS } from '../l4/tcp.ts';
import type { StreamServices } from '../l4/tcp.ts';
import { clientCertificateOf } from './client-identity.ts';
import type { ClientCertificateStatus } from './client-identity.ts';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, HTTP1_ALPN } from './defaults.ts';
import { HandshakeServers, profileOf } from './handshake-servers.ts';
import type { TlsProfile } from './handshake-servers.ts';
import { DEFAULT_HELLO_LIMITS, readClientHello } from './hello-reader.ts';
import type { HelloLimits, HelloOutcome, HelloRejection } from './hello-reader.ts';
import { compileSniTable } from './sni-table.ts';
import type { SniTable } from './sni-table.ts';
import type { TicketSecret } from './ticket-secret.ts';

/** A connection terminated for HTTP, handed to the HTTP engine. */
export interface TerminatedConnection {
  socket: TLSSocket;
  /** The entry its server name selected: `listener` (a Host of another listener answers 421), forwardClientCert, ... */
  server: IRTlsServer;
  /** The SNI the client sent, lowercased; undefined without one. */
  serverName: string | undefined;
  /** The ALPN protocol agreed ('http/1.1'; 'h2' once offered), undefined when the client offered none. */
  alpnProtocol: string | undefined;
  /** The client certificate's verdict; undefined when the listener does not validate client certificates. */
  clientCertificate: ClientCertificateStatus | undefined;
}

export interface FrontDoorServices extends StreamServices {
  onHttp(connection: TerminatedConnection): void;
  hello?: Partial<HelloLimits>;
  handshakeTimeoutMs?: number;
  /** ALPN for http entries, in preference order (default: http/1.1 only). */
  httpAlpn?: readonly string[];
  /** The secret session ticket keys derive from (the data plane's, shared with sibling workers); default a random one per port. */
  ticketSecret?: TicketSecret;
}

export interface FrontDoorCounters extends StreamCounters {
  helloRejected: Record<HelloRejection, number>;
  /** Hellos whose server name selected no entry (handshake refused). */
  noServer: number;
  handshakeFailed: number;
  /** Terminated connections handed to the HTTP engine. */
  httpHandoffs: number;
}

/** The parts of the gateway a TLS port reads. */
export type TlsGatewayParts = Pick<IRGateway, 'backends' | 'certificates'>;

interface CompiledServer {
  /** The SNI pattern (the server's hostname). */
  hostname: string;
  server: IRTlsServer;
  /** For tcp and http entries; undefined when the entry cannot terminate (refused). */
  profile: TlsProfile | undefined;
  /** For passthrough and tcp entries with a route. */
  target: StreamTarget | undefined;
}

export class TlsFrontDoor {
  readonly #services: FrontDoorServices;
  readonly #limits: HelloLimits;
  readonly #servers: HandshakeServers;
  readonly #connections = new ConnectionSet<Closable>();
  /**
   * The server name each handshake under way was routed by, keyed by the
   * client's address and port (one live connection each). Node reports no
   * servername for a resumed TLS 1.2 session, so the name read from the
   * ClientHello is the one to trust once the handshake completes.
   */
  readonly #helloNames = new Map<string, string | undefined>();
  readonly #counters: FrontDoorCounters = {
    ...newStreamCounters(),
    helloRejected: { 'not-tls': 0, malformed: 0, 'too-large': 0, timeout: 0, closed: 0 },
    noServer: 0,
    handshakeFailed: 0,
    httpHandoffs: 0,
  };
  #table: SniTable<CompiledServer>;
  #context: ForwardContext;
  #draining = false;
  #closed = false;

  constructor(port: IRHttpPort, gateway: TlsGatewayParts, services: FrontDoorServices) {
    this.#services = services;
    this.#limits = { ...DEFAULT_HELLO_LIMITS, ...services.hello };
    this.#servers = new HandshakeServers({
      logger: services.logger,
      handshakeTimeoutMs: services.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      ticketSecret: services.ticketSecret,
      onSecure: (socket, profile) => this.#secured(socket, profile),
      onClientError: (error) => {
        this.#counters.handshakeFailed++;
        this.#context.logger.debug({ err: error.message }, 'TLS handshake failed');
      },
    });
    this.#table = this.#compile(port, gateway);
    this.#context = this.#contextFor(port);
  }

  get counters(): Readonly<FrontDoorCounters> {
    return this.#counters;
  }

  /** Connections it holds: hellos being read, and relays (passthrough, tcp) connecting or running. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * TLS contexts (one per distinct certificate set and TLS settings that a
   * handshake has needed): `built` since the start, `kept` for the current
   * configuration.
   */
  get contexts(): { built: number; kept: number } {
    return { built: this.#servers.builds, kept: this.#servers.kept };
  }

  /** Serves a raw connection accepted on this port by the data plane's listener. */
  accept(socket: Socket): void {
    if (this.#draining) {
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    const forget = (): void => this.#connections.delete(socket);
    socket.once('close', forget);
    readClientHello(socket, this.#limits, (outcome) => {
      socket.removeListener('close', forget);
      this.#connections.delete(socket);
      // Errors after the hello belong to whoever takes the socket; until then they must not throw.
      socket.on('error', ignore);
      this.#route(socket, outcome);
    });
  }

  /** New connections follow `port` from now on. Contexts of unchanged certificates are kept. */
  apply(port: IRHttpPort, gateway: TlsGatewayParts): void {
    this.#table = this.#compile(port, gateway);
    this.#context = this.#contextFor(port);
  }

  /** Refuses new connections, lets relays run for up to `drainMs`, then closes the rest. */
  async close(drainMs: number): Promise<void> {
    this.#draining = true;
    await this.#connections.drain(drainMs);
    this.#closed = true;
  }

  #route(socket: Socket, outcome: HelloOutcome): void {
    if (outcome.kind === 'rejected') {
      this.#counters.helloRejected[outcome.reason]++;
      this.#context.logger.debug({ reason: outcome.reason, detail: outcome.detail }, 'connection closed: no usable ClientHello');
      socket.destroy();
      return;
    }
    const entry = this.#table.select(outcome.hello.serverName);
    if (entry === undefined) {
      this.#counters.noServer++;
      this.#context.logger.debug({ serverName: outcome.hello.serverName }, 'connection closed: no TLS server for this name');
      socket.destroy();
      return;
    }
    if (entry.server.mode === 'passthrough') {
      if (entry.target === undefined) socket.destroy();
      else forward(socket, entry.target, this.#context, outcome.bytes);
      return;
    }
    const server = entry.profile === undefined ? undefined : this.#servers.serverFor(entry.profile);
    if (server === undefined) {
      socket.destroy();
      return;
    }
    const peer = peerKey(socket);
    this.#helloNames.set(peer, outcome.hello.serverName);
    socket.once('close', () => this.#helloNames.delete(peer));
    // The TLS socket reads what was put back before anything new.
    socket.unshift(outcome.bytes);
    server.emit('connection', socket);
  }

  #secured(socket: TLSSocket, profile: TlsProfile): void {
    const peer = peerKey(socket);
    const serverName = this.#helloNames.has(peer)
      ? this.#helloNames.get(peer)
      : typeof socket.servername === 'string' && socket.servername.length > 0 ? socket.servername.toLowerCase() : undefined;
    this.#helloNames.delete(peer);
    const entry = this.#table.select(serverName);
    // A configuration applied during the handshake that changed this name's
    // certificates or client validation: this handshake's terms are stale.
    if (this.#closed || entry === undefined || entry.profile?.key !== profile.key) {
      socket.destroy();
      return;
    }
    socket.on('error', ignore);
    if (entry.server.mode === 'tcp') {
      if (entry.target === undefined) socket.destroy();
      else forward(socket, entry.target, this.#context);
      return;
    }
    this.#counters.httpHandoffs++;
    this.#services.onHttp({
      socket,
      server: entry.server,
      serverName,
      alpnProtocol: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : undefined,
      clientCertificate: entry.server.clientValidation === undefined ? undefined : clientCertificateOf(socket),
    });
  }

  #compile(port: IRHttpPort, gateway: TlsGatewayParts): SniTable<CompiledServer> {
    const tls: IRTlsPortConfig = port.tls ?? { servers: [], minVersion: 'TLSv1.2' };
    const certificates: Readonly<Record<string, IRCertificate>> = gateway.certificates ?? {};
    const httpAlpn = this.#services.httpAlpn ?? HTTP1_ALPN;
    const caHashes = new Map<string, string>();
    const keys = new Set<string>();
    const compiled = tls.servers.map((server): CompiledServer => {
      let profile: TlsProfile | undefined;
      if (server.mode !== 'passthrough') {
        const outcome = profileOf(server, tls, certificates, server.mode === 'http' ? httpAlpn : [], caHashes);
        if (typeof outcome === 'string') {
          this.#services.logger.warn({ port: port.port, listener: server.listener, hostname: server.hostname, problem: outcome }, 'TLS server cannot terminate: its handshakes are refused');
        } else {
          profile = outcome;
          keys.add(outcome.key);
        }
      }
      const target = server.route === undefined || server.mode === 'http'
        ? undefined
        : new StreamTarget(server.route, gateway.backends, {
          resolver: this.#services.resolver,
          random: this.#services.random,
          // BackendTLSPolicy applies to TLSRoutes that terminate, not to passthrough.
          ...(server.mode === 'tcp' ? { tlsToBackends: { certificates } } : {}),
        });
      return { hostname: server.hostname, server, profile, target };
    });
    this.#servers.retain(keys);
    return compileSniTable(compiled);
  }

  #contextFor(port: IRHttpPort): ForwardContext {
    return {
      clock: this.#services.clock,
      logger: this.#services.logger.child({ port: port.port }),
      connectTimeoutMs: this.#services.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: DEFAULT_TCP_IDLE_MS,
      connections: this.#connections,
      counters: this.#counters,
    };
  }
}

function peerKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
}

function ignore(): void {
  // Deliberately empty: an error listener so a socket's error never throws; its 'close' does the work.
}
