// One client's HTTP/2 connection: every stream it opens becomes a request
// for the port's proxy pipeline, read against the port's configuration of the
// moment (a reload never changes a stream in flight). The connection is
// registered with its port, so draining (reload, shutdown) sends GOAWAY and
// lets open streams finish. Defences: no SETTINGS in time → closed; idle (no
// open stream) for the idle timeout → closed; a client resetting streams
// faster than the rapid-reset cap → GOAWAY ENHANCE_YOUR_CALM and closed;
// session errors (malformed frames, protocol errors) close this connection
// only.
import { constants } from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { ConnectionInfo, DrainableConnection, HttpPortContext } from '../connection-info.ts';
import type { ProxyHandler } from '../proxy/handler.ts';
import type { Http2Limits } from './limits.ts';
import { readRequestHead } from './request-headers.ts';
import { Http2StreamRequest } from './stream-request.ts';
import type { StreamOwner } from './stream-request.ts';

const { NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_REFUSED_STREAM } = constants;

export class ClientSession implements DrainableConnection, StreamOwner {
  readonly #session: ServerHttp2Session;
  readonly #info: ConnectionInfo;
  readonly #port: HttpPortContext;
  readonly #handler: ProxyHandler;
  readonly #limits: Http2Limits;
  readonly #remoteAddress: string;
  readonly #forget: () => void;
  #settingsTimer: NodeJS.Timeout | undefined;
  #open = 0;
  #resets = 0;
  #resetWindowStart = 0;
  #draining = false;

  constructor(session: ServerHttp2Session, info: ConnectionInfo, port: HttpPortContext, handler: ProxyHandler, limits: Http2Limits) {
    this.#session = session;
    this.#info = info;
    this.#port = port;
    this.#handler = handler;
    this.#limits = limits;
    this.#remoteAddress = session.socket?.remoteAddress ?? '';
    session.on('stream', (stream: ServerHttp2Stream, _headers: IncomingHttpHeaders, _flags: number, raw: string[]) => this.#onStream(stream, raw));
    session.on('error', (error: Error) => port.logger.debug({ err: error.message, remote: this.#remoteAddress }, 'HTTP/2 session error'));
    session.on('frameError', (type: number, code: number) => port.logger.debug({ type, code, remote: this.#remoteAddress }, 'HTTP/2 frame error'));
    session.on('close', () => this.#onClose());
    if (limits.settingsTimeoutMs > 0) {
      this.#settingsTimer = setTimeout(() => {
        port.logger.debug({ remote: this.#remoteAddress }, 'HTTP/2 client sent no SETTINGS in time');
        session.destroy();
      }, limits.settingsTimeoutMs);
      session.once('remoteSettings', () => clearTimeout(this.#settingsTimer));
    }
    const idleMs = port.limits.idleTimeoutMs;
    if (idleMs > 0) session.setTimeout(idleMs, () => this.#onIdle());
    if (limits.connectionWindowBytes > 65_535) {
      try {
        session.setLocalWindowSize(limits.connectionWindowBytes);
      } catch {
        // the session may already be closing: nothing to widen
      }
    }
    this.#forget = port.track(this);
  }

  /** No new streams (GOAWAY); the open ones finish, then the connection closes. */
  drain(): void {
    if (this.#draining || this.#session.closed) return;
    this.#draining = true;
    this.#session.close();
  }

  destroy(): void {
    this.#session.destroy();
  }

  clientReset(): void {
    const now = this.#port.clock.now;
    if (now - this.#resetWindowStart > this.#limits.resetWindowMs) {
      this.#resetWindowStart = now;
      this.#resets = 0;
    }
    this.#resets++;
    if (this.#resets > this.#limits.maxResetsPerWindow && !this.#session.destroyed) {
      this.#port.logger.warn({ remote: this.#remoteAddress, resets: this.#resets }, 'HTTP/2 client reset too many streams: connection closed (rapid reset)');
      // GOAWAY first, then the close on the next turn: destroy() at once would cut the GOAWAY off.
      const session = this.#session;
      session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
      setImmediate(() => session.destroy());
    }
  }

  #onStream(stream: ServerHttp2Stream, raw: string[]): void {
    if (this.#port.draining) {
      this.drain();
      stream.close(NGHTTP2_REFUSED_STREAM);
      return;
    }
    this.#open++;
    stream.once('close', () => this.#open--);
    const head = readRequestHead(raw);
    const request = new Http2StreamRequest(stream, head, this.#info, this.#remoteAddress, this);
    if (head.size > this.#port.limits.maxHeaderBytes) {
      // nghttp2 holds clients to the advertised limit only once they have acknowledged it; a
      // first request sent before that is checked here, and answered as HTTP/1.1 answers it.
      request.respond(431, ['content-type', 'text/plain'], 'request header fields too large\n');
      return;
    }
    try {
      this.#handler.onRequest(request);
    } catch (error) {
      // A bug, never an input problem; the client still gets an answer.
      this.#port.logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'request handler failed');
      if (!request.headSent) request.respond(500, ['content-type', 'text/plain'], 'internal error\n');
      else request.abort('internal_error');
    }
  }

  /** The socket saw no traffic for the idle timeout: close when no stream is open (streams have their own timeouts). */
  #onIdle(): void {
    if (this.#open === 0) this.#session.close();
  }

  #onClose(): void {
    clearTimeout(this.#settingsTimer);
    this.#forget();
  }
}
