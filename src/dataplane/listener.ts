// One listening TCP socket and the service that serves what it accepts: the
// HTTP engine (HTTP port), the TLS front door (HTTPS/TLS port) or the TCP
// proxy (TCP port). The service is swapped by the data plane on reload: when a
// port keeps its kind, the service takes the new configuration itself; when
// the kind changes (HTTP → HTTPS on the same port), a new service takes the
// socket's next connection and the old one drains. The listening socket is
// never closed in between, so no client is refused during the change.
import type { Socket } from 'node:net';
import type { Logger } from '../telemetry/log.ts';
import { StreamListener } from './l4/stream-listener.ts';
export { BindError } from './l4/stream-listener.ts';

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
  readonly #listener: StreamListener;

  constructor(options: ListenerOptions, service: TcpPortService) {
    this.port = options.port;
    this.address = options.address;
    this.service = service;
    this.#listener = new StreamListener(options, (socket) => this.service.accept(socket));
  }

  listen(): Promise<void> {
    return this.#listener.listen();
  }

  boundAddress(): { port: number; address: string } {
    return this.#listener.boundAddress();
  }

  /** Unbinds at once, then drains the service's connections. */
  async drain(timeoutMs: number): Promise<void> {
    this.#listener.stopAccepting();
    await this.service.drain(timeoutMs);
  }

  /** Unbinds without touching connections (a failed apply gives back the ports it bound). */
  close(): Promise<void> {
    return this.#listener.close();
  }
}
