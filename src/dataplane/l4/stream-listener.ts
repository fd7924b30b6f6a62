// A listening TCP port for stream proxies (TCP routes, TLS front doors): binds,
// hands each accepted socket to its owner, and unbinds. The owner tracks its
// connections (ConnectionSet) so it can drain them.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';
import { BindError } from '../listener.ts';

export interface StreamListenerOptions {
  port: number;
  address: string;
  /** SO_REUSEPORT, so several worker processes can share the port. */
  reusePort?: boolean;
  logger: Logger;
}

export class StreamListener {
  readonly port: number;
  readonly address: string;
  readonly #server: Server;
  readonly #reusePort: boolean;

  constructor(options: StreamListenerOptions, onConnection: (socket: Socket) => void) {
    this.port = options.port;
    this.address = options.address;
    this.#reusePort = options.reusePort ?? false;
    // allowHalfOpen: a client's FIN ends one direction only (the relay decides).
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
    this.#server.on('error', (error) => options.logger.error({ err: error.message, port: this.port }, 'listener error'));
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

  /** Stops accepting; resolves once unbound. Accepted connections are the owner's to end. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
  }
}
