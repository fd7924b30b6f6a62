// A TCP listener port (IRTcpPort, TCPRoute): every connection goes to the
// port's route, a weighted pick per connection. The backend is connected at
// once (server-speaks-first protocols greet before the client writes).
// apply() affects new connections only; existing ones keep flowing to the
// backend they have. close() refuses new connections and ends what is left
// after a deadline. The socket that accepts them is the data plane's
// (StreamListener through its port listener), not the proxy's.
import type { Socket } from 'node:net';
import type { IRBackend, IRTcpPort } from '../../ir/types.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { Clock } from '../http1/clock.ts';
import { ConnectionSet } from './connection-set.ts';
import type { Closable } from './connection-set.ts';
import { forward, newStreamCounters } from './forward.ts';
import type { ForwardContext, StreamCounters } from './forward.ts';
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
  #target: StreamTarget;
  #context: ForwardContext;
  #draining = false;

  constructor(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>, services: StreamServices) {
    this.#services = services;
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

  /** Serves a connection accepted by the port's listener (the data plane's, which it may share with other port kinds). */
  accept(socket: Socket): void {
    if (this.#draining) {
      socket.destroy();
      return;
    }
    forward(socket, this.#target, this.#context);
  }

  /** New connections follow `port` from now on; open ones are left as they are. */
  apply(port: IRTcpPort, backends: Readonly<Record<string, IRBackend>>): void {
    this.#target = this.#compile(port, backends);
    this.#context = this.#contextFor(port);
  }

  /** Refuses new connections, lets open ones run for up to `drainMs`, then closes the rest. */
  async close(drainMs: number): Promise<void> {
    this.#draining = true;
    await this.#connections.drain(drainMs);
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
