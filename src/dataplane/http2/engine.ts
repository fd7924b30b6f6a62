// The HTTP/2 engine (connection-info.ts's Http2Engine): given to the
// DataPlane, it takes the connections that speak HTTP/2 — the h2c preface
// with prior knowledge on a plain port (the HTTP/1.1 engine hands the socket
// over with the bytes it read), ALPN h2 on a TLS port (the front door hands
// over the terminated TLS socket) — and serves them with nghttp2 (node:http2).
// One node:http2 server object per set of limits does the framing only: it
// never listens; sockets are fed to it. Each stream goes through the port's
// ProxyHandler, the same pipeline as HTTP/1.1 requests.
//
// h2c Upgrade from HTTP/1.1 (RFC 7540 §3.2, removed in RFC 9113) is not
// offered, as Envoy Gateway does not: a client that wants cleartext HTTP/2
// uses prior knowledge.
import { createServer } from 'node:http2';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { ConnectionInfo, Http2Engine, HttpPortContext } from '../connection-info.ts';
import type { HttpLimits } from '../http1/limits.ts';
import { ProxyHandler } from '../proxy/handler.ts';
import { resolveHttp2Limits } from './limits.ts';
import type { Http2Limits } from './limits.ts';
import { ClientSession } from './session.ts';

export class Http2FrontEnd implements Http2Engine {
  readonly limits: Http2Limits;
  /** One framing server per HTTP limits (every port of a data plane shares one). */
  readonly #servers = new WeakMap<HttpLimits, Http2Server>();
  /** One pipeline per port, made on the port's first HTTP/2 connection. */
  readonly #handlers = new WeakMap<HttpPortContext, ProxyHandler>();
  /** The connection being handed to a server: its 'session' event comes synchronously. */
  #arriving: { info: ConnectionInfo; port: HttpPortContext } | undefined;

  constructor(limits?: Partial<Http2Limits>) {
    this.limits = resolveHttp2Limits(limits);
  }

  serveConnection(socket: Socket, head: Buffer, info: ConnectionInfo, port: HttpPortContext): void {
    if (port.draining) {
      socket.destroy();
      return;
    }
    // The session reads what the socket holds before reading the socket itself.
    if (head.length > 0) socket.unshift(head);
    this.#arriving = { info, port };
    try {
      this.#server(port.limits).emit('connection', socket);
    } finally {
      this.#arriving = undefined;
    }
  }

  #server(httpLimits: HttpLimits): Http2Server {
    let server = this.#servers.get(httpLimits);
    if (server !== undefined) return server;
    const limits = this.limits;
    server = createServer({
      maxHeaderListPairs: 2048,
      maxSessionInvalidFrames: limits.maxInvalidFrames,
      maxSessionRejectedStreams: limits.maxConcurrentStreams,
      settings: {
        maxConcurrentStreams: limits.maxConcurrentStreams,
        maxHeaderListSize: httpLimits.maxHeaderBytes,
        initialWindowSize: limits.streamWindowBytes,
        enablePush: false,
        // RFC 8441: clients may open WebSocket streams with extended CONNECT (stream-request.ts bridges them to HTTP/1.1 Upgrade).
        enableConnectProtocol: true,
      },
    });
    server.on('session', (session: ServerHttp2Session) => this.#onSession(session));
    // A stream the pipeline serves is answered through the session's own 'stream' listener (session.ts).
    server.on('stream', () => {});
    this.#servers.set(httpLimits, server);
    return server;
  }

  #onSession(session: ServerHttp2Session): void {
    const arriving = this.#arriving;
    if (arriving === undefined) {
      session.destroy(); // not a connection this engine was given: cannot happen, the server never listens
      return;
    }
    const { info, port } = arriving;
    new ClientSession(session, info, port, this.#handlerFor(port, info.scheme), this.limits);
  }

  #handlerFor(port: HttpPortContext, scheme: 'http' | 'https'): ProxyHandler {
    let handler = this.#handlers.get(port);
    if (handler === undefined) {
      handler = new ProxyHandler({ config: () => port.config(), limits: port.limits, scheme, onRequestComplete: port.onRequestComplete });
      this.#handlers.set(port, handler);
    }
    return handler;
  }
}
