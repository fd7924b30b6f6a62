// One HTTP/2 stream as the proxy pipeline sees a request (ClientRequest): the
// same ProxyHandler and Exchange that serve HTTP/1.1 serve it. The request
// body is the stream's readable side (nghttp2's flow control is the
// backpressure: a paused stream stops granting window), the response is its
// writable side. Trailers are sent when the client accepts them (TE:
// trailers, as every gRPC client sends) — the response then waits for them
// after its last DATA frame. Local errors on gRPC requests are answered the
// gRPC way (grpc.ts). An extended CONNECT WebSocket (extended-connect.ts) is
// an upgrade request: the backend's 101 is answered :status 200 and the
// stream itself becomes the client side of the tunnel (proxy/tunnel.ts).
import { constants } from 'node:http2';
import type { OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { ConnectionInfo } from '../connection-info.ts';
import type { BodySink, ResponseListener } from '../http1/server-request.ts';
import type { ClientRequest } from '../proxy/client-request.ts';
import type { TunnelEnd } from '../proxy/tunnel.ts';
import { addHeader } from '../upstream/h2-head.ts';
import { upgradeAnswerValid, upgradeHeaders } from './extended-connect.ts';
import { grpcStatusFor, isGrpcContentType, trailersOnlyHeaders } from './grpc.ts';
import type { Http2RequestHead } from './request-headers.ts';

const { NGHTTP2_CONNECT_ERROR, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR, HTTP2_HEADER_STATUS } = constants;
const EMPTY = Buffer.alloc(0);

/** Response fields that are connection-specific (RFC 9113 §8.2.2): never sent on a stream. */
const NOT_ON_A_STREAM = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings']);

/** What the stream tells its session (for the rapid-reset guard and stream accounting). */
export interface StreamOwner {
  /** The client reset the stream before its response was complete. */
  clientReset(): void;
}

export class Http2StreamRequest implements ClientRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: string[];
  readonly host: string | undefined;
  readonly protocol: string | undefined;
  /** An extended CONNECT WebSocket, sent upstream as an HTTP/1.1 Upgrade. */
  readonly upgrade: boolean;
  readonly hasBody: boolean;
  readonly chunkedBody: boolean;
  readonly remoteAddress: string;
  readonly connection: ConnectionInfo;
  /** content-type application/grpc*: Portico's own answers are gRPC statuses. */
  readonly grpc: boolean;
  status = 0;
  bodyBytesReceived = 0;
  bodyBytesSent = 0;
  listener: ResponseListener | undefined;
  readonly #stream: ServerHttp2Stream;
  readonly #owner: StreamOwner;
  readonly #acceptsTrailers: boolean;
  /** The Sec-WebSocket-Key sent upstream for an extended CONNECT. */
  readonly #webSocketKey: string | undefined;
  /** :method CONNECT (extended or not): the client never ends the stream by itself. */
  readonly #connect: boolean;
  /** The stream carries a tunnel (answered 200 to the backend's 101). */
  #tunnelling = false;
  #headSent = false;
  #aborted = false;
  #finished = false;
  #noBody = false;
  #waitForTrailers = false;
  #trailers: readonly string[] = [];
  #blocked = false;
  /** Body chunks went to the stream since corkOutput (nghttp2 may still read their memory). */
  #wroteInBatch = false;
  /** Between corkOutput and uncorkOutput (one backend read). */
  #batching = false;
  /** The last body chunk of the batch, not written yet. */
  #held: Buffer | undefined;

  /** `webSocketKey`: given for an extended CONNECT WebSocket (the key to send upstream). */
  constructor(stream: ServerHttp2Stream, head: Http2RequestHead, info: ConnectionInfo, remoteAddress: string, owner: StreamOwner, webSocketKey?: string) {
    this.#stream = stream;
    this.#owner = owner;
    this.target = head.path;
    this.host = head.authority;
    this.#webSocketKey = webSocketKey;
    this.#connect = head.method === 'CONNECT';
    if (webSocketKey === undefined) {
      this.method = head.method;
      this.headers = head.headers;
      this.upgrade = false;
      this.protocol = undefined;
      this.hasBody = !stream.endAfterHeaders;
    } else {
      // Routed and forwarded as the HTTP/1.1 request it stands for (RFC 8441 §5); what the
      // client sends on the stream is tunnel data, read only once the tunnel is open.
      this.method = 'GET';
      this.headers = upgradeHeaders(head.headers, webSocketKey);
      this.upgrade = true;
      this.protocol = 'websocket';
      this.hasBody = false;
    }
    this.chunkedBody = this.hasBody && !head.hasContentLength;
    this.remoteAddress = remoteAddress;
    this.connection = info;
    this.grpc = isGrpcContentType(head.contentType);
    this.#acceptsTrailers = head.trailers;
    stream.on('drain', () => {
      this.#blocked = false;
      this.listener?.clientDrained();
    });
    stream.on('error', () => {}); // 'close' follows
    stream.on('close', () => this.#onClose());
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  // ------------------------------------------------------------ request body

  sendContinue(): void {
    // HTTP/2 clients do not wait for 100 Continue in practice; the body simply flows (flow control bounds it).
  }

  setBodySink(sink: BodySink): void {
    const stream = this.#stream;
    stream.on('data', (chunk: Buffer) => {
      this.bodyBytesReceived += chunk.length;
      sink.onRequestBody(chunk);
    });
    stream.on('end', () => sink.onRequestBodyEnd());
  }

  pauseBody(): void {
    this.#stream.pause();
  }

  resumeBody(): void {
    this.#stream.resume();
  }

  // ------------------------------------------------------------ response

  upgradeAnswerValid(status: number, headers: readonly string[]): boolean {
    return this.#webSocketKey === undefined || upgradeAnswerValid(status, headers, this.#webSocketKey);
  }

  writeHeadLines(status: number, lines: string, contentLength: number): void {
    if (this.#headSent || this.#aborted) return;
    if (status === 101 && this.upgrade) {
      // RFC 8441 §5: the tunnel opens with a 2xx; the accept key answered Portico's key, not the client's.
      const headers = headersFromLines(200, lines);
      delete headers['sec-websocket-accept'];
      this.#tunnelling = true;
      this.#sendHead(200, headers, false);
      return;
    }
    const headers = headersFromLines(status, lines);
    this.#noBody = this.method === 'HEAD' || status === 204 || status === 304;
    if (contentLength >= 0 && status !== 204 && status !== 304) headers['content-length'] = contentLength;
    // Nothing can follow an empty body (an h2c backend's Trailers-Only answer arrives so too, see
    // h2-stream.ts): END_STREAM goes on the HEADERS frame, which keeps a gRPC status where clients read it.
    if (contentLength === 0) this.#noBody = true;
    this.#waitForTrailers = this.#acceptsTrailers && !this.#noBody;
    this.#sendHead(status, headers, this.#noBody);
  }

  corkOutput(): void {
    this.#wroteInBatch = false;
    this.#batching = true;
  }

  uncorkOutput(): boolean {
    this.#batching = false;
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined && !this.#finished && !this.#aborted) this.#write(held);
    return !this.#blocked;
  }

  get outputQueued(): boolean {
    return this.#wroteInBatch;
  }

  write(chunk: Buffer): boolean {
    if (this.#noBody || this.#finished || this.#aborted || chunk.length === 0) return true;
    this.bodyBytesSent += chunk.length;
    this.#wroteInBatch = true;
    if (this.#batching) {
      // Within one backend read, hold the latest chunk: when the response ends in the same read
      // it goes out with end(), as one last DATA frame with END_STREAM.
      const held = this.#held;
      this.#held = chunk;
      return held === undefined ? true : this.#write(held);
    }
    return this.#write(chunk);
  }

  #write(chunk: Buffer): boolean {
    if (this.#stream.write(chunk)) return true;
    this.#blocked = true;
    return false;
  }

  end(trailers: readonly string[] = []): void {
    if (this.#finished || this.#aborted) return;
    this.#finished = true;
    const stream = this.#stream;
    const held = this.#held;
    this.#held = undefined;
    if (!this.#noBody) {
      if (this.#waitForTrailers) {
        this.#trailers = trailers;
        stream.once('wantTrailers', () => this.#sendTrailers());
      }
      if (held === undefined) stream.end();
      else stream.end(held);
    }
    this.#dropRequestRest();
  }

  respond(status: number, headers: readonly string[], body = ''): void {
    if (this.#headSent || this.#aborted) return;
    this.#finished = true;
    if (this.grpc && status !== 200) {
      this.#sendHead(status, trailersOnlyHeaders(grpcStatusFor(status), body.trim(), headers), true);
    } else {
      const out = headersFromList(status, headers);
      this.#noBody = this.method === 'HEAD' || status === 204 || status === 304;
      const payload = this.#noBody || body === '' ? undefined : Buffer.from(body, 'latin1');
      if (payload !== undefined) out['content-length'] = payload.length;
      this.#sendHead(status, out, payload === undefined);
      if (payload !== undefined) {
        this.bodyBytesSent += payload.length;
        this.#stream.end(payload);
      }
    }
    this.#dropRequestRest();
  }

  forceClose(): void {
    // Per connection in HTTP/1.1; an HTTP/2 stream ends by itself.
  }

  /** After a partial response: the stream is reset (the connection and its other streams go on). */
  abort(reason: string): void {
    if (this.#aborted) return;
    this.#aborted = true;
    if (!this.#stream.closed) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
    this.listener?.clientGone(reason);
  }

  /** After the 200: the stream is the client side of the tunnel; a failed tunnel resets it with CONNECT_ERROR (RFC 9113 §8.5). */
  takeSocket(): TunnelEnd {
    if (!this.#tunnelling) throw new Error('an HTTP/2 stream becomes a tunnel only after its 200'); // a bug if reached
    this.#finished = true;
    const stream = this.#stream;
    return {
      socket: stream,
      head: EMPTY,
      abort: () => {
        if (!stream.closed) stream.close(NGHTTP2_CONNECT_ERROR);
      },
    };
  }

  tunnelOpened(): void {
    // Nothing to keep: the session's end closes the stream, and the stream's close ends the tunnel.
  }

  // ------------------------------------------------------------ internals

  /** After a complete response: the rest of the request is not wanted. */
  #dropRequestRest(): void {
    const stream = this.#stream;
    if (stream.readableEnded) return;
    // A CONNECT stream answered without a tunnel would stay open until the client ends it:
    // RST_STREAM NO_ERROR once the response is out asks it to stop (RFC 9113 §8.1).
    if (this.#connect) stream.close(NGHTTP2_NO_ERROR);
    else stream.resume();
  }

  #sendHead(status: number, headers: OutgoingHttpHeaders, endStream: boolean): void {
    this.#headSent = true;
    this.status = status;
    try {
      this.#stream.respond(headers, { endStream, waitForTrailers: !endStream && this.#waitForTrailers });
    } catch {
      // A header value HTTP/2 cannot carry, or the stream closed meanwhile: the stream ends here.
      this.abort('invalid_response_header');
    }
  }

  #sendTrailers(): void {
    const out: OutgoingHttpHeaders = {};
    const trailers = this.#trailers;
    for (let i = 0; i + 1 < trailers.length; i += 2) {
      const name = (trailers[i] as string).toLowerCase();
      if (NOT_ON_A_STREAM.has(name) || name.charCodeAt(0) === 58) continue;
      addHeader(out, name, trailers[i + 1] as string);
    }
    try {
      this.#stream.sendTrailers(out);
    } catch {
      if (!this.#stream.closed) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
    }
  }

  #onClose(): void {
    const stream = this.#stream;
    // A tunnel the client resets is how a tunnel may end, not a reset before an answer.
    const complete = this.#tunnelling || (this.#finished && stream.writableFinished);
    if (!complete && stream.rstCode !== undefined && stream.rstCode !== NGHTTP2_NO_ERROR && !this.#aborted) this.#owner.clientReset();
    if (this.#aborted || this.#finished) return;
    this.#aborted = true;
    this.listener?.clientGone('client_reset');
  }
}

/** Serialised header lines ("name: value\r\n") as HTTP/2 headers, without connection-specific ones. */
function headersFromLines(status: number, lines: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { [HTTP2_HEADER_STATUS]: status };
  let at = 0;
  while (at < lines.length) {
    const end = lines.indexOf('\r\n', at);
    if (end === -1) break;
    const colon = lines.indexOf(':', at);
    if (colon > at && colon < end) {
      const name = lines.slice(at, colon).toLowerCase();
      if (!NOT_ON_A_STREAM.has(name)) addHeader(headers, name, lines.slice(colon + 1, end).trim());
    }
    at = end + 2;
  }
  return headers;
}

function headersFromList(status: number, list: readonly string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { [HTTP2_HEADER_STATUS]: status };
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = (list[i] as string).toLowerCase();
    if (!NOT_ON_A_STREAM.has(name)) addHeader(headers, name, list[i + 1] as string);
  }
  return headers;
}
