// A UDP listener port (IRUdpPort, UDPRoute). Datagrams from one client address
// and port form a session bound to one weighted-picked backend endpoint (so a
// client's datagrams stay together, as Envoy's udp_proxy keeps them); the
// backend's replies go back to that client from the listener's port. Sessions
// end after sessionIdleMs without a datagram either way, checked by the data
// plane's shared sweep rather than a timer per session.
//
// Bounded memory: at most maxSessions sessions. Beyond it, datagrams from new
// sources are dropped and counted, rather than evicting the least recently
// used session: under a flood of spoofed sources, eviction would let the flood
// push out every established client, while dropping keeps them served and
// lets new clients in as idle sessions expire. (Envoy also refuses new
// sessions past its cluster's connection limit rather than evicting.)
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { IRBackend, IRUdpPort } from '../../ir/types.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { Sweepable } from '../http1/clock.ts';
import { BindError } from './stream-listener.ts';
import type { StreamServices } from './tcp.ts';
import { StreamTarget } from './stream-target.ts';
import { UdpSession } from './udp-session.ts';
import type { SessionOwner } from './udp-session.ts';

export const DEFAULT_UDP_SESSION_IDLE_MS = 60_000;
export const DEFAULT_MAX_UDP_SESSIONS = 16_384;

export interface UdpCounters {
  sessionsCreated: number;
  sessionsExpired: number;
  /** Datagrams from new sources dropped because maxSessions sessions exist. */
  droppedNewSources: number;
  /** Datagrams dropped because the route has no destination for them (invalid backendRef, no endpoints). */
  droppedNoDestination: number;
  /** Datagrams dropped while their session's socket was still connecting with a full queue. */
  droppedPending: number;
}

export class UdpProxy implements Sweepable, SessionOwner {
  readonly #services: StreamServices;
  readonly #maxSessions: number;
  readonly #sessions = new Map<string, UdpSession>();
  readonly #counters: UdpCounters = { sessionsCreated: 0, sessionsExpired: 0, droppedNewSources: 0, droppedNoDestination: 0, droppedPending: 0 };
  #logger: Logger;
  #port: IRUdpPort;
  #target: StreamTarget;
  #idleMs: number;
  #socket: Socket | undefined;
  #closed = false;

  constructor(port: IRUdpPort, backends: Readonly<Record<string, IRBackend>>, services: StreamServices, options: { maxSessions?: number } = {}) {
    this.#services = services;
    this.#maxSessions = options.maxSessions ?? DEFAULT_MAX_UDP_SESSIONS;
    this.#port = port;
    this.#logger = services.logger.child({ port: port.port, listener: port.listener });
    this.#target = this.#compile(port, backends);
    this.#idleMs = port.sessionIdleMs ?? DEFAULT_UDP_SESSION_IDLE_MS;
  }

  get counters(): Readonly<UdpCounters> {
    return this.#counters;
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  /** Binds the port (IRUdpPort.port; 0 picks a free one). An IPv6 address also takes IPv4 clients ('::'). */
  listen(address: string, options: { reusePort?: boolean } = {}): Promise<void> {
    const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reusePort: options.reusePort ?? false });
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        socket.close();
        reject(new BindError(this.#port.port, address, error.code ?? 'EUNKNOWN', error));
      };
      socket.once('error', onError);
      socket.bind({ port: this.#port.port, address }, () => {
        socket.removeListener('error', onError);
        socket.on('error', (error) => this.#logger.warn({ err: error.message }, 'UDP listener error'));
        socket.on('message', (message, remote) => this.#receive(message, remote));
        this.#socket = socket;
        this.#services.clock.add(this);
        resolve();
      });
    });
  }

  boundAddress(): { port: number; address: string } | undefined {
    const address = this.#socket?.address();
    return address === undefined ? undefined : { port: address.port, address: address.address };
  }

  /**
   * New sessions follow `port` from now on. A session stays while the new
   * route could still have picked its endpoint; the others end, and their
   * clients' next datagrams start new sessions under the new route.
   */
  apply(port: IRUdpPort, backends: Readonly<Record<string, IRBackend>>): void {
    this.#port = port;
    this.#logger = this.#services.logger.child({ port: port.port, listener: port.listener });
    this.#target = this.#compile(port, backends);
    this.#idleMs = port.sessionIdleMs ?? DEFAULT_UDP_SESSION_IDLE_MS;
    for (const session of this.#sessions.values()) {
      if (session.destination !== undefined && !this.#target.couldPick(session.destination)) this.#end(session);
    }
  }

  /** Unbinds and ends every session (UDP has no connection to drain). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#services.clock.delete(this);
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
    const socket = this.#socket;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  sweep(now: number): void {
    for (const session of this.#sessions.values()) {
      if (now - session.lastActive < this.#idleMs) continue;
      this.#counters.sessionsExpired++;
      this.#end(session);
    }
  }

  reply(session: UdpSession, message: Buffer): void {
    if (this.#sessions.get(session.key) !== session) return;
    session.lastActive = this.#services.clock.now;
    this.#socket?.send(message, session.clientPort, session.clientAddress);
  }

  failed(session: UdpSession, error: Error): void {
    this.#logger.debug({ err: error.message, backend: session.destination?.backend }, 'UDP session failed');
    this.#end(session);
  }

  droppedPending(): void {
    this.#counters.droppedPending++;
  }

  #receive(message: Buffer, remote: RemoteInfo): void {
    const key = `${remote.address}|${remote.port}`;
    const existing = this.#sessions.get(key);
    if (existing !== undefined) {
      existing.lastActive = this.#services.clock.now;
      existing.send(message);
      return;
    }
    if (this.#sessions.size >= this.#maxSessions) {
      this.#counters.droppedNewSources++;
      return;
    }
    const session = new UdpSession(key, remote.address, remote.port, this.#services.clock.now, this);
    this.#sessions.set(key, session);
    this.#counters.sessionsCreated++;
    session.send(message);
    this.#target.pick((failure, destination) => {
      if (this.#sessions.get(key) !== session) return;
      if (failure !== undefined || destination === undefined) {
        this.#counters.droppedNoDestination++;
        this.#logger.debug({ route: this.#port.route.name, reason: failure }, 'UDP datagram dropped: no destination');
        this.#end(session);
        return;
      }
      session.open(destination);
    });
  }

  #end(session: UdpSession): void {
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
    session.close();
  }

  #compile(port: IRUdpPort, backends: Readonly<Record<string, IRBackend>>): StreamTarget {
    return new StreamTarget(port.route, backends, { resolver: this.#services.resolver, random: this.#services.random });
  }
}
