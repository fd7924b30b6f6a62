// One client's HTTP/2 connection: every stream it opens becomes a request
// for the port's proxy pipeline, read against the port's configuration of the
// moment (a reload never changes a stream in flight). The connection is
// registered with its port, so draining (reload, shutdown) sends GOAWAY and
// lets open streams finish. Defences: no SETTINGS in time → closed; idle (no
// open stream) for the idle timeout → closed; a client resetting streams
// faster than the rapid-reset cap → GOAWAY ENHANCE_YOUR_CALM and closed;
// session errors (malformed frames, protocol errors) close this connection
// only.
//
// Requests refused before routing are logged and counted as the HTTP/1.1
// engine's are (ProxyHandler.onRejected: status, code, no route): a header
// list over the limit (431), CONNECT that is not a WebSocket (405, 403),
// rapid reset (429), a connection error the client caused (400), and the
// streams nghttp2 resets by itself (400: a malformed header block, a header
// list over the acknowledged limit, streams over the concurrency limit).
// Those last never reach JavaScript; they show as a gap in the client's
// stream ids (a client opens streams in order, RFC 9113 §5.1.1), counted
// when the next stream arrives or the connection closes.
import { constants } from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { ConnectionInfo, DrainableConnection, HttpPortContext } from '../connection-info.ts';
import type { ProxyHandler } from '../proxy/handler.ts';
import type { Http2Limits } from './limits.ts';
import { connectVerdict, newWebSocketKey } from './extended-connect.ts';
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
  /** GOAWAY ENHANCE_YOUR_CALM was sent (rapid reset): the connection is going. */
  #calmed = false;
  /** The id the client's next stream should have: a higher one means nghttp2 refused those in between. */
  #nextStreamId = 1;
  /** How many more refused-stream lines this connection may log (see #countRefused). */
  #refusedBudget: number;

  constructor(session: ServerHttp2Session, info: ConnectionInfo, port: HttpPortContext, handler: ProxyHandler, limits: Http2Limits) {
    this.#session = session;
    this.#info = info;
    this.#port = port;
    this.#handler = handler;
    this.#limits = limits;
    this.#refusedBudget = limits.maxInvalidFrames + limits.maxConcurrentStreams;
    this.#remoteAddress = session.socket?.remoteAddress ?? '';
    session.on('stream', (stream: ServerHttp2Stream, _headers: IncomingHttpHeaders, _flags: number, raw: string[]) => this.#onStream(stream, raw));
    session.on('error', (error: Error) => this.#onError(error));
    session.on('frameError', (type: number, code: number) => port.logger.debug({ type, code, remote: this.#remoteAddress }, 'HTTP/2 frame error'));
    session.on('close', () => this.#onClose());
    // The session's state is gone once it closes: count refused streams when the client hangs up.
    session.socket?.once('end', () => this.#countRefusedToLast());
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
    this.#countRefusedToLast();
    this.#session.close();
  }

  destroy(): void {
    this.#countRefusedToLast();
    this.#session.destroy();
  }

  clientReset(): void {
    const now = this.#port.clock.now;
    if (now - this.#resetWindowStart > this.#limits.resetWindowMs) {
      this.#resetWindowStart = now;
      this.#resets = 0;
    }
    this.#resets++;
    if (this.#resets > this.#limits.maxResetsPerWindow && !this.#calmed && !this.#session.destroyed) {
      this.#calmed = true;
      this.#port.logger.warn({ remote: this.#remoteAddress, resets: this.#resets }, 'HTTP/2 client reset too many streams: connection closed (rapid reset)');
      // GOAWAY first, then the close on the next turn: destroy() at once would cut the GOAWAY off.
      const session = this.#session;
      this.#rejected(429, 'rapid_reset');
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
    this.#countRefused(stream.id ?? 0);
    this.#open++;
    stream.once('close', () => this.#open--);
    const head = readRequestHead(raw);
    if (head.size > this.#port.limits.maxHeaderBytes) {
      // nghttp2 holds clients to the advertised limit only once they have acknowledged it; a
      // first request sent before that is checked here, and answered as HTTP/1.1 answers it.
      this.#refuse(new Http2StreamRequest(stream, head, this.#info, this.#remoteAddress, this), 431, 'header_too_large', 'request header fields too large');
      return;
    }
    let request: Http2StreamRequest;
    if (head.method === 'CONNECT') {
      const verdict = connectVerdict(head);
      if (verdict !== 'websocket') {
        this.#refuse(new Http2StreamRequest(stream, head, this.#info, this.#remoteAddress, this), verdict.status, verdict.code, verdict.message);
        return;
      }
      request = new Http2StreamRequest(stream, head, this.#info, this.#remoteAddress, this, newWebSocketKey());
    } else {
      request = new Http2StreamRequest(stream, head, this.#info, this.#remoteAddress, this);
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

  /** Answers a stream refused before routing, and logs it as refused. */
  #refuse(request: Http2StreamRequest, status: number, code: string, message: string): void {
    request.respond(status, ['content-type', 'text/plain'], `${message}\n`);
    this.#rejected(status, code);
  }

  #rejected(status: number, code: string): void {
    this.#handler.onRejected({ status, code, localPort: this.#info.port });
  }

  /**
   * Streams nghttp2 reset before this one (or before the end) without telling JavaScript: 400 each.
   * A client may also skip ids (allowed, if unusual), so the lines per connection are capped at what
   * Node tolerates before closing it (invalid frames, refused streams): a jump in ids is not a flood.
   */
  #countRefused(upTo: number): void {
    const next = this.#nextStreamId;
    if (upTo < next) return;
    this.#nextStreamId = upTo + 2;
    const lines = Math.min((upTo - next) / 2, this.#refusedBudget);
    this.#refusedBudget -= lines;
    for (let i = 0; i < lines; i++) this.#rejected(400, 'stream_refused');
  }

  /** Up to the last stream the session processed (refused ones included): before the session closes. */
  #countRefusedToLast(): void {
    const last = this.#session.destroyed ? undefined : this.#session.state.lastProcStreamID;
    if (last !== undefined) this.#countRefused(last + 2);
  }

  #onError(error: Error): void {
    this.#port.logger.debug({ err: error.message, remote: this.#remoteAddress }, 'HTTP/2 session error');
    // What the client sent broke the protocol (a bad frame, too many invalid ones): like an HTTP/1.1
    // parse error, a 400 refusal. Socket errors (the client vanished) are not refusals.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_HTTP2_ERROR' || code === 'ERR_HTTP2_TOO_MANY_INVALID_FRAMES') this.#rejected(400, 'protocol_error');
  }

  /** The socket saw no traffic for the idle timeout: close when no stream is open (streams have their own timeouts). */
  #onIdle(): void {
    if (this.#open !== 0) return;
    this.#countRefusedToLast();
    this.#session.close();
  }

  #onClose(): void {
    clearTimeout(this.#settingsTimer);
    this.#forget();
  }
}
