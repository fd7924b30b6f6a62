// The HTTP side of one port: serves the connections it is handed (accepted
// plain on an HTTP port, or terminated by the TLS front door on an HTTPS
// port) with the HTTP/1.1 engine, or gives them to the HTTP/2 engine, and
// tracks them all so the port can drain. Its configuration is swapped by the
// data plane on reload; each request reads it once, when its head is complete.
import type { Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';
import type { ConnectionInfo, DrainableConnection, Http2Engine, HttpPortContext } from '../connection-info.ts';
import type { Clock } from '../http1/clock.ts';
import type { HttpLimits } from '../http1/limits.ts';
import { ServerConnection } from '../http1/server-connection.ts';
import type { ConnectionOwner, RequestHandler } from '../http1/server-connection.ts';
import type { PortConfig } from '../proxy/config.ts';
import { ProxyHandler } from '../proxy/handler.ts';
import type { RequestLogInfo } from '../proxy/handler.ts';

export interface HttpEngineOptions {
  port: number;
  scheme: 'http' | 'https';
  limits: HttpLimits;
  clock: Clock;
  logger: Logger;
  onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
  http2: Http2Engine | undefined;
}

const EMPTY = Buffer.alloc(0);

export class HttpEngine implements ConnectionOwner, HttpPortContext {
  readonly port: number;
  readonly handler: RequestHandler;
  readonly limits: HttpLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
  /** Present only with an HTTP/2 engine (ServerConnection then hands the h2c preface over). */
  readonly takeHttp2: ((connection: ServerConnection, head: Buffer) => void) | undefined;
  current: PortConfig;
  readonly #http2: Http2Engine | undefined;
  /** Shared by every plain connection of the port: nothing is allocated per connection. */
  readonly #plainInfo: ConnectionInfo;
  readonly #connections = new Set<DrainableConnection>();
  #draining = false;
  #emptyWaiters: Array<() => void> = [];

  constructor(options: HttpEngineOptions, config: PortConfig) {
    this.port = options.port;
    this.limits = options.limits;
    this.clock = options.clock;
    this.logger = options.logger;
    this.onRequestComplete = options.onRequestComplete;
    this.current = config;
    this.#http2 = options.http2;
    this.#plainInfo = { port: options.port, scheme: options.scheme, tls: undefined };
    this.handler = new ProxyHandler({
      config: () => this.current,
      limits: options.limits,
      scheme: options.scheme,
      onRequestComplete: options.onRequestComplete,
    });
    this.takeHttp2 = options.http2 === undefined ? undefined : (connection, head) => this.#takeHttp2(connection, head);
  }

  config(): PortConfig {
    return this.current;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Client connections open now (HTTP/1.1 and HTTP/2). */
  get connections(): number {
    return this.#connections.size;
  }

  /** Serves one client connection; `info` defaults to the port's plain-connection facts. */
  serveConnection(socket: Socket, info: ConnectionInfo = this.#plainInfo): void {
    if (this.#draining) {
      socket.destroy();
      return;
    }
    if (info.tls?.alpn === 'h2' && this.#http2 !== undefined) {
      this.#http2.serveConnection(socket, EMPTY, info, this);
      return;
    }
    const connection = new ServerConnection(socket, this, info);
    this.#connections.add(connection);
    this.clock.add(connection);
  }

  connectionClosed(connection: ServerConnection): void {
    this.clock.delete(connection);
    this.#forget(connection);
  }

  track(connection: DrainableConnection): () => void {
    this.#connections.add(connection);
    if (this.#draining) connection.drain();
    return () => this.#forget(connection);
  }

  /**
   * Takes no new connection, closes idle ones now and the others once their
   * request is answered; after `timeoutMs` whatever is left is cut off.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    for (const connection of [...this.#connections]) connection.drain();
    if (this.#connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#emptyWaiters.push(resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    for (const connection of [...this.#connections]) connection.destroy();
  }

  #takeHttp2(connection: ServerConnection, head: Buffer): void {
    this.clock.delete(connection);
    this.#connections.delete(connection);
    (this.#http2 as Http2Engine).serveConnection(connection.socket, head, connection.connectionInfo, this);
  }

  #forget(connection: DrainableConnection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#emptyWaiters.length > 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }
}
