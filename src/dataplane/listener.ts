// One listening port: its server socket, its client connections, and the
// configuration they serve (swapped by the data plane on reload; each request
// reads it once, when its head is complete).
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { Logger } from '../telemetry/log.ts';
import type { Clock } from './http1/clock.ts';
import type { HttpLimits } from './http1/limits.ts';
import { ServerConnection } from './http1/server-connection.ts';
import type { ConnectionOwner, RequestHandler } from './http1/server-connection.ts';
import type { PortConfig } from './proxy/config.ts';
import { ProxyHandler } from './proxy/handler.ts';
import type { RequestLogInfo } from './proxy/handler.ts';

/** A port that could not be bound: the address, port and system error code say why. */
export class BindError extends Error {
  readonly port: number;
  readonly address: string;
  readonly errno: string;

  constructor(port: number, address: string, errno: string, cause: Error) {
    super(`cannot listen on ${address.includes(':') ? `[${address}]` : address}:${port}: ${errno} (${describeErrno(errno)})`, { cause });
    this.port = port;
    this.address = address;
    this.errno = errno;
  }
}

export interface ListenerOptions {
  port: number;
  address: string;
  reusePort: boolean;
  limits: HttpLimits;
  clock: Clock;
  logger: Logger;
  onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
}

export class PortListener implements ConnectionOwner {
  readonly port: number;
  readonly address: string;
  readonly handler: RequestHandler;
  readonly limits: HttpLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  config: PortConfig;
  readonly #server: Server;
  readonly #connections = new Set<ServerConnection>();
  readonly #reusePort: boolean;
  #draining = false;
  #emptyWaiters: Array<() => void> = [];

  constructor(options: ListenerOptions, config: PortConfig) {
    this.port = options.port;
    this.address = options.address;
    this.limits = options.limits;
    this.clock = options.clock;
    this.logger = options.logger;
    this.config = config;
    this.#reusePort = options.reusePort;
    this.handler = new ProxyHandler({
      config: () => this.config,
      limits: options.limits,
      scheme: 'http',
      onRequestComplete: options.onRequestComplete,
    });
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      if (this.#draining) {
        socket.destroy();
        return;
      }
      const connection = new ServerConnection(socket, this);
      this.#connections.add(connection);
      this.clock.add(connection);
    });
    this.#server.on('error', (error) => this.logger.error({ err: error.message, port: this.port }, 'listener error'));
  }

  get draining(): boolean {
    return this.#draining;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(new BindError(this.port, this.address, error.code ?? 'EUNKNOWN', error));
      };
      this.#server.once('error', onError);
      this.#server.listen({ port: this.port, host: this.address, reusePort: this.#reusePort }, () => {
        this.#server.removeListener('error', onError);
        resolve();
      });
    });
  }

  boundAddress(): { port: number; address: string } {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') return { port: this.port, address: this.address };
    return { port: address.port, address: address.address };
  }

  connectionClosed(connection: ServerConnection): void {
    this.#connections.delete(connection);
    this.clock.delete(connection);
    if (this.#connections.size === 0 && this.#emptyWaiters.length > 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  /**
   * Stops accepting, closes idle connections now and the others once their
   * request is answered; after `timeoutMs` whatever is left is cut off.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    this.#server.close();
    for (const connection of this.#connections) connection.drain();
    if (this.#connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#emptyWaiters.push(resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    for (const connection of this.#connections) connection.destroy();
  }

  /** Unbinds without draining (a failed apply gives back the ports it bound). */
  close(): Promise<void> {
    this.#draining = true;
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function describeErrno(errno: string): string {
  switch (errno) {
    case 'EADDRINUSE': return 'address already in use';
    case 'EACCES': return 'permission denied; ports below 1024 need privileges';
    case 'EADDRNOTAVAIL': return 'address not available on this host';
    default: return 'bind failed';
  }
}
