// A TCP listener port (IRTcpPort, TCPRoute): every connection goes to the
// port's route, a weighted pick per connection. The backend is connected at
// once (server-speaks-first protocols greet before the client writes).
// apply() affects new connections only; existing ones keep flowing to the
// backend they have. close() stops accepting and ends what is left after a
// deadline.
import type { Socket } from 'node:net';
import type { IRBackend, IRTcpPort } from '../../ir/types.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { Clock } from '../http1/clock.ts';
import { ConnectionSet } from './connection-set.ts';
import type { Closable } from './connection-set.ts';
import { forward, newStreamCounters } from './forward.ts';
import type { ForwardContext, StreamCounters } from './forward.ts';
import { StreamListener } from './stream-listener.ts';
import { StreamTarget } from './stream-target.ts';
import type { EndpointResolver } from './stream-target.ts';

/** The data plane's shared parts that stream ports use. */
export interface StreamServices {
  logger: Logger;
  /** The shared coarse clock: idle deadlines are checked at its sweeps. */
  clock: Clock;
  /** ExternalName backends; without one they are unreachable. */
  resolver?: EndpointResolver;
  /** Default 10 s, as for HTTP backends (HttpLimits.connectTimeoutMs): the data plane passes its own. */
  connectTimeoutMs?: number;
  /** Weighted picks (tests pass a seeded source). */
  random?: () => number;
}

/** An idle TCP connection is closed after 1 hour (Envoy's tcp_proxy default, kept by Envoy Gateway). */
export const DEFAULT_TCP_IDLE_MS = 3_600_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class TcpProxy {
  readonly #services: StreamServices;
  readonly #connections = new ConnectionSet<Closable>();
  readonly #counters: StreamCounters = newStreamCounters();
  #listener: StreamListener | undefined;
  #port: IRTcpPort;
  #target: StreamTarget;
  #context: ForwardContext;
  #draining = false;

  constructor(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>, services: StreamServices) {
    this.#services = services;
    this.#port = port;
    this.#target = this.#compile(port, backends);
    this.#context = this.#contextFor(port);
  }

  get counters(): Readonly<StreamCounters> {
    return this.#counters;
  }

  /** Open connections (relaying, or connecting to their backend). */
  get connections(): number {
    return this.#connections.size;
  }

  /** Binds the port (IRTcpPort.port; 0 picks a free one). */
  async listen(address: string, options: { reusePort?: boolean } = {}): Promise<void> {
    const listener = new StreamListener({ port: this.#port.port, address, reusePort: options.reusePort, logger: this.#services.logger }, (socket) => this.accept(socket));
    await listener.listen();
    this.#listener = listener;
  }

  boundAddress(): { port: number; address: string } | undefined {
    return this.#listener?.boundAddress();
  }

  /** Serves a connection accepted elsewhere (e.g. by a listener shared with other port kinds). */
  accept(socket: Socket): void {
    if (this.#draining) {
      socket.destroy();
      return;
    }
    forward(socket, this.#target, this.#context);
  }

  /** New connections follow `port` from now on; open ones are left as they are. */
  apply(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>): void {
    this.#port = port;
    this.#target = this.#compile(port, backends);
    this.#context = this.#contextFor(port);
  }

  /** Stops accepting, lets connections run for up to `drainMs`, then closes the rest. */
  async close(drainMs: number): Promise<void> {
    this.#draining = true;
    await Promise.all([this.#listener?.close(), this.#connections.drain(drainMs)]);
  }

  #compile(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>): StreamTarget {
    return new StreamTarget(port.route, backends, { resolver: this.#services.resolver, random: this.#services.random });
  }

  #contextFor(port: IRTcpPort): ForwardContext {
    return {
      clock: this.#services.clock,
      logger: this.#services.logger.child({ port: port.port, listener: port.listener }),
      connectTimeoutMs: this.#services.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: port.idleTimeoutMs ?? DEFAULT_TCP_IDLE_MS,
      connections: this.#connections,
      counters: this.#counters,
    };
  }
}
