// One listening TCP socket and the service that serves what it accepts: the
// HTTP engine (HTTP port), the TLS front door (HTTPS/TLS port) or the TCP
// proxy (TCP port). The service is swapped by the data plane on reload: when a
// port keeps its kind, the service takes the new configuration itself; when
// the kind changes (HTTP → HTTPS on the same port), a new service takes the
// socket's next connection and the old one drains. The listening socket is
// never closed in between, so no client is refused during the change.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../telemetry/log.ts';
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

/** What a TCP port's accepted connections go to. */
export interface TcpPortService {
  readonly kind: 'http' | 'tls' | 'tcp';
  /** Takes over a connection the listener accepted. */
  accept(socket: Socket): void;
  /** Takes no new connection; lets open ones finish for up to `timeoutMs`, then closes the rest. */
  drain(timeoutMs: number): Promise<void>;
}

export interface ListenerOptions {
  port: number;
  address: string;
  reusePort: boolean;
  logger: Logger;
}

export class TcpPortListener {
  readonly port: number;
  readonly address: string;
  service: TcpPortService;
  readonly #server: Server;
  readonly #reusePort: boolean;

  constructor(options: ListenerOptions, service: TcpPortService) {
    this.port = options.port;
    this.address = options.address;
    this.service = service;
    this.#reusePort = options.reusePort;
    // allowHalfOpen: a TCP relay carries a client's FIN one way only; the HTTP engine ends the connection itself.
    this.#server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.service.accept(socket));
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
   * Unbinds at once, then drains the service's connections. (Not close()'s
   * callback: a net.Server reports closed only once every socket it accepted
   * has, and a socket taken over by TLS is counted by its raw socket.)
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.#server.listening) this.#server.close();
    await this.service.drain(timeoutMs);
  }

  /** Unbinds without touching connections (a failed apply gives back the ports it bound). */
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
