// One request to an h2c backend: a stream on the endpoint's pooled HTTP/2
// session (h2-pool.ts), driven by the exchange exactly like an HTTP/1.1
// connection (BackendStream). The stream is opened on the next tick after
// start(): a request whose body is already complete by then goes out as one
// HEADERS frame with END_STREAM, a streaming one (gRPC client or
// bidirectional streams) opens at once and sends its body as it comes.
// Trailers are passed on (gRPC's status travels in them).
//
// A WebSocket Upgrade goes out as RFC 8441 extended CONNECT, once the
// backend's SETTINGS have announced it (SETTINGS_ENABLE_CONNECT_PROTOCOL;
// without it the request fails before anything is sent, a 502). The
// backend's 2xx opens the tunnel; it is handed to the exchange as the 101 it
// stands for (§5), Sec-WebSocket-Accept made from the key the Upgrade
// carried, so the client side answers it as it answers an HTTP/1.1 backend
// (101 to an HTTP/1.1 client, 200 to an HTTP/2 one). The stream is then the
// backend end of the tunnel (takeSocket) and keeps its session's stream
// count up while open, so the idle sweep leaves the session alone.
import { constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { MessageHead } from '../http1/parser.ts';
import { UpstreamError } from './connection.ts';
import type { BackendStream, ResponseHandler } from './connection.ts';
import { webSocketAccept } from '../http2/extended-connect.ts';
import { h2RequestHeaders, regularHeaders, toExtendedConnect } from './h2-head.ts';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR } = constants;

/** What a stream tells its session's pool. */
export interface H2StreamOwner {
  streamOpened(): void;
  streamClosed(): void;
  /** Calls back once the backend's first SETTINGS frame has arrived (true), or the session closed first (false). */
  whenRemoteSettings(callback: (received: boolean) => void): void;
}

const EMPTY = Buffer.alloc(0);

export class H2UpstreamStream implements BackendStream {
  readonly reused: boolean;
  readonly #session: ClientHttp2Session;
  readonly #owner: H2StreamOwner;
  #handler: ResponseHandler | undefined;
  #stream: ClientHttp2Stream | undefined;
  #headers: OutgoingHttpHeaders | undefined;
  #pending: Buffer[] | undefined;
  #ended = false;
  #headReceived = false;
  #responseDone = false;
  #destroyed = false;
  #trailers: string[] = [];
  #counted = true;
  /** For a WebSocket Upgrade: the client's Sec-WebSocket-Key (the request goes as extended CONNECT). */
  #webSocketKey: string | undefined;

  constructor(session: ClientHttp2Session, owner: H2StreamOwner, reused: boolean) {
    this.#session = session;
    this.#owner = owner;
    this.reused = reused;
    owner.streamOpened();
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get queuedBytes(): number {
    return this.#stream?.writableLength ?? 0;
  }

  start(handler: ResponseHandler, _method: string, head: string): void {
    this.#handler = handler;
    const headers = h2RequestHeaders(head);
    this.#headers = headers;
    this.#webSocketKey = toExtendedConnect(headers, head);
    if (this.#webSocketKey === undefined) process.nextTick(() => this.#open());
    else this.#owner.whenRemoteSettings((received) => this.#openTunnelStream(received));
  }

  write(chunk: Buffer, _chunked: boolean): boolean {
    if (this.#destroyed || chunk.length === 0) return true;
    const stream = this.#stream;
    if (stream === undefined) {
      (this.#pending ??= []).push(chunk);
      return true;
    }
    return stream.write(chunk);
  }

  end(_chunked: boolean): void {
    // An Upgrade has no body, and its stream stays open for the tunnel: the client's half-close ends it (takeSocket).
    if (this.#destroyed || this.#ended || this.#webSocketKey !== undefined) return;
    this.#ended = true;
    this.#stream?.end();
  }

  pause(): void {
    this.#stream?.pause();
  }

  resume(): void {
    this.#stream?.resume();
  }

  /** The response has ended: a request body still being sent is not wanted any more. */
  finish(): void {
    this.#handler = undefined;
    const stream = this.#stream;
    if (stream !== undefined && !stream.closed && !this.#ended) stream.close(NGHTTP2_NO_ERROR);
  }

  destroy(): void {
    this.#handler = undefined;
    if (this.#destroyed) return;
    this.#destroyed = true;
    const stream = this.#stream;
    if (stream === undefined) {
      this.#headers = undefined;
      this.#uncount();
    } else if (!stream.closed) {
      stream.close(NGHTTP2_CANCEL);
    }
  }

  /** After the backend's 2xx to extended CONNECT: the stream is the backend end of the tunnel. */
  takeSocket(): { socket: Duplex; head: Buffer; relayTo(destination: Duplex): void; abort(): void } {
    const stream = this.#stream;
    if (stream === undefined || this.#webSocketKey === undefined) throw new Error('only an open extended CONNECT stream is a tunnel'); // a bug if reached
    this.#handler = undefined;
    // No 'data' listener may read tunnel bytes before relayTo pipes them; pipe() resumes the stream.
    stream.pause();
    stream.removeAllListeners('data');
    stream.removeAllListeners('end');
    stream.removeAllListeners('drain');
    return {
      socket: stream,
      head: EMPTY,
      // pipe(): backpressure both ways, and the backend's END_STREAM ends the client side (half-close).
      relayTo: (destination: Duplex) => stream.pipe(destination),
      abort: () => {
        if (!stream.closed) stream.close(NGHTTP2_CANCEL);
      },
    };
  }

  /** The Upgrade needs the backend to have announced extended CONNECT (RFC 8441 §3) before it is sent. */
  #openTunnelStream(settingsReceived: boolean): void {
    if (this.#destroyed || this.#headers === undefined) return;
    if (!settingsReceived || this.#session.remoteSettings.enableConnectProtocol !== true) {
      this.#headers = undefined;
      this.#uncount();
      const handler = this.#handler;
      this.#handler = undefined;
      this.#destroyed = true;
      const message = settingsReceived ? 'the backend did not announce SETTINGS_ENABLE_CONNECT_PROTOCOL' : 'the HTTP/2 session closed before the backend\'s SETTINGS';
      handler?.onUpstreamError(new UpstreamError(settingsReceived ? 'upgrade_failed' : 'upstream_reset', message, false, false));
      return;
    }
    this.#open();
  }

  #open(): void {
    const headers = this.#headers;
    if (this.#destroyed || headers === undefined) return;
    this.#headers = undefined;
    let stream: ClientHttp2Stream;
    try {
      stream = this.#session.request(headers, { endStream: this.#ended && this.#pending === undefined });
    } catch (error) {
      // The session closed (or received GOAWAY) since it was handed out: nothing reached the backend.
      this.#uncount();
      this.#fail(NGHTTP2_REFUSED_STREAM, error instanceof Error ? error.message : String(error));
      return;
    }
    this.#stream = stream;
    stream.on('response', (responseHeaders: IncomingHttpHeaders, flags: number, raw: string[]) => this.#onResponse(responseHeaders, flags, raw));
    stream.on('trailers', (_trailers: IncomingHttpHeaders, _flags: number, raw: string[]) => {
      this.#trailers = regularHeaders(raw);
    });
    stream.on('data', (chunk: Buffer) => this.#handler?.onResponseBody(chunk));
    stream.on('end', () => this.#onEnd());
    stream.on('drain', () => this.#handler?.onUpstreamDrain());
    stream.on('error', () => {}); // 'close' follows with the reset code
    stream.on('close', () => this.#onClose(stream));
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) {
      let flowing = true;
      for (const chunk of pending) flowing = stream.write(chunk);
      if (this.#ended) stream.end();
      if (!flowing) return; // 'drain' resumes the client
    }
  }

  #onResponse(headers: IncomingHttpHeaders, flags: number, raw: string[]): void {
    const handler = this.#handler;
    if (handler === undefined) return;
    const status = Number(headers[constants.HTTP2_HEADER_STATUS]);
    this.#headReceived = true;
    const fields = regularHeaders(raw);
    const key = this.#webSocketKey;
    if (key !== undefined && status >= 200 && status < 300) {
      this.#tunnelOpened(handler, fields, key);
      return;
    }
    // A response that ends with its headers (gRPC's Trailers-Only) has an empty body: saying so lets
    // the client side end it on its HEADERS frame too, rather than after an empty DATA frame.
    if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 && headers['content-length'] === undefined) fields.push('content-length', '0');
    const head: MessageHead = {
      versionMajor: 2, versionMinor: 0, headers: fields, method: '', target: '',
      status, statusMessage: '', upgrade: false, keepAlive: true,
    };
    handler.onResponseHead(head);
  }

  /** The 2xx to extended CONNECT, handed on as the 101 it stands for; the exchange then takes the tunnel. */
  #tunnelOpened(handler: ResponseHandler, fields: string[], key: string): void {
    this.#responseDone = true; // the response is the tunnel: its end is the tunnel's, not the exchange's
    fields.push('connection', 'upgrade', 'upgrade', 'websocket', 'sec-websocket-accept', webSocketAccept(key));
    handler.onResponseHead({
      versionMajor: 2, versionMinor: 0, headers: fields, method: '', target: '',
      status: 101, statusMessage: '', upgrade: true, keepAlive: false,
    });
    // The exchange may have refused the answer (and destroyed this stream) instead.
    if (this.#handler === handler && !this.#destroyed) handler.onUpgrade();
  }

  #onEnd(): void {
    if (!this.#headReceived || this.#responseDone) return;
    this.#responseDone = true;
    this.#handler?.onResponseEnd(this.#trailers);
  }

  #onClose(stream: ClientHttp2Stream): void {
    this.#uncount();
    this.#destroyed = true;
    if (this.#responseDone || this.#handler === undefined) return;
    this.#fail(stream.rstCode ?? NGHTTP2_CANCEL, `backend stream closed (HTTP/2 error code ${String(stream.rstCode)})`);
  }

  #uncount(): void {
    if (!this.#counted) return;
    this.#counted = false;
    this.#owner.streamClosed();
  }

  #fail(rstCode: number, message: string): void {
    const handler = this.#handler;
    this.#handler = undefined;
    this.#destroyed = true;
    // REFUSED_STREAM (RFC 9113 §8.7): the backend did not process the request, so it may go again like a reused connection's.
    handler?.onUpstreamError(new UpstreamError('upstream_reset', message, this.#headReceived, this.reused || rstCode === NGHTTP2_REFUSED_STREAM));
  }
}
