// One request to an h2c backend: a stream on the endpoint's pooled HTTP/2
// session (h2-pool.ts), driven by the exchange exactly like an HTTP/1.1
// connection (BackendStream). The stream is opened on the next tick after
// start(): a request whose body is already complete by then goes out as one
// HEADERS frame with END_STREAM, a streaming one (gRPC client or
// bidirectional streams) opens at once and sends its body as it comes.
// Trailers are passed on (gRPC's status travels in them).
import { constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MessageHead } from '../http1/parser.ts';
import { UpstreamError } from './connection.ts';
import type { BackendStream, ResponseHandler } from './connection.ts';
import { h2RequestHeaders, regularHeaders } from './h2-head.ts';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR } = constants;

/** What a stream tells its session's pool. */
export interface H2StreamOwner {
  streamOpened(): void;
  streamClosed(): void;
}

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
    this.#headers = h2RequestHeaders(head);
    process.nextTick(() => this.#open());
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
    if (this.#destroyed || this.#ended) return;
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

  takeSocket(): { socket: Socket; head: Buffer; relayTo(destination: Duplex): void } {
    // onUpgrade is never called for an HTTP/2 stream (no 101 in HTTP/2): a bug if reached.
    throw new Error('an HTTP/2 backend stream cannot be upgraded');
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
    // A response that ends with its headers (gRPC's Trailers-Only) has an empty body: saying so lets
    // the client side end it on its HEADERS frame too, rather than after an empty DATA frame.
    if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0 && headers['content-length'] === undefined) fields.push('content-length', '0');
    const head: MessageHead = {
      versionMajor: 2, versionMinor: 0, headers: fields, method: '', target: '',
      status, statusMessage: '', upgrade: false, keepAlive: true,
    };
    handler.onResponseHead(head);
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
