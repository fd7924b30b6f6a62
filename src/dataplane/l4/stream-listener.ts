// A listening TCP socket: binds (a failure is a BindError that says why),
// hands each accepted socket to its owner, and unbinds. The data plane's port
// listener (../listener.ts) listens through it for every TCP port kind; the
// owner tracks its connections so it can drain them.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';

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
    // allowHalfOpen: a TCP relay carries a client's FIN one way only; the HTTP engine ends the connection itself.
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

  /**
   * Stops accepting at once, without waiting for net.Server's close callback:
   * a server reports closed only once every socket it accepted has, and a
   * socket taken over by TLS is counted by its raw socket.
   */
  stopAccepting(): void {
    if (this.#server.listening) this.#server.close();
  }

  /** Stops accepting; resolves once unbound. Accepted connections are the owner's to end. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
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
