// One request on a client connection: its head, its body as it streams in,
// and the writer for its response. The proxy receives one of these per
// request (RequestHandler.onRequest) and never touches the socket directly,
// except to take it over for an upgrade. Heads are byte strings (one char per
// byte: what llhttp gives and what the configuration was converted to).
import type { Socket } from 'node:net';
import type { ConnectionInfo } from '../connection-info.ts';
import type { Output } from './output.ts';
import type { MessageHead } from './parser.ts';
import { chunkSizeLine, lastChunk, serializeHeaders, statusLine } from './head.ts';

export interface BodySink {
  onRequestBody(chunk: Buffer): void;
  onRequestBodyEnd(): void;
}

/** What the connection does for its requests (implemented by ServerConnection). */
export interface RequestHost {
  readonly socket: Socket;
  /** Every write to the client goes through it, in order. */
  readonly output: Output;
  readonly remoteAddress: string;
  readonly localPort: number;
  /** Scheme and TLS facts of the connection (the same object for all its requests). */
  readonly connectionInfo: ConnectionInfo;
  /** Bytes of request body held unread before the client is paused. */
  readonly pendingBodyBytes: number;
  readonly discardBodyBytes: number;
  /** False once the connection is draining (reload removed its port, or shutdown). */
  readonly keepAliveAllowed: boolean;
  readonly httpDate: string;
  readonly now: number;
  pauseReading(reason: number): void;
  resumeReading(reason: number): void;
  requestDone(request: ServerRequest): void;
  closeAfterResponse(): void;
  detachForUpgrade(): { socket: Socket; head: Buffer };
  setTunnelCloser(close: () => void): void;
}

/** Who relays the response: told when the client goes away or drains. */
export interface ResponseListener {
  /** The client went away (or the request was cut off) before the response finished; called once. */
  clientGone(reason: string): void;
  /** The client socket drained after a write returned false. */
  clientDrained(): void;
}

/** Pause reasons (bit flags): reading stops while any is set. */
export const PAUSED_FOR_BODY = 1;

const CONTINUE_LINE = 'HTTP/1.1 100 Continue\r\n\r\n';

export class ServerRequest {
  readonly method: string;
  /** The request target in origin form ("/path?query"); an absolute-form target is reduced to it. */
  readonly target: string;
  readonly versionMinor: number;
  /** Raw flat header list as received. */
  readonly headers: string[];
  /** An Upgrade (e.g. websocket) was requested with Connection: upgrade. */
  readonly upgrade: boolean;
  /** The Host header value as received (or the absolute-form authority), undefined when absent. */
  readonly host: string | undefined;
  /** Expect: 100-continue on an HTTP/1.1 request. */
  readonly expectContinue: boolean;
  /** A body follows the head (Content-Length > 0, or chunked). */
  readonly hasBody: boolean;
  readonly chunkedBody: boolean;
  readonly #host: RequestHost;
  #keepAlive: boolean;

  // request body
  #sink: BodySink | undefined;
  #buffered: Buffer[] | undefined;
  #bufferedBytes = 0;
  #bodyDone = false;
  #discarding = false;
  #discardedBytes = 0;
  #bodyPaused = false;
  bodyBytesReceived = 0;
  lastBodyAt: number;

  // response
  #continueSent = false;
  #headSent = false;
  #chunked = false;
  #noBody = false;
  #finished = false;
  #aborted = false;
  status = 0;
  bodyBytesSent = 0;
  /** When a write to the client last returned false without draining since (0: not blocked). */
  writeBlockedSince = 0;
  listener: ResponseListener | undefined;

  constructor(host: RequestHost, head: MessageHead, info: RequestHeadInfo) {
    this.#host = host;
    this.method = head.method;
    this.target = info.target;
    this.versionMinor = head.versionMinor;
    this.headers = head.headers;
    this.upgrade = head.upgrade;
    this.#keepAlive = head.keepAlive;
    this.host = info.host;
    this.expectContinue = info.expectContinue;
    this.hasBody = info.hasBody;
    this.chunkedBody = info.chunked;
    this.#bodyDone = false;
    this.lastBodyAt = host.now;
  }

  get remoteAddress(): string {
    return this.#host.remoteAddress;
  }

  get localPort(): number {
    return this.#host.localPort;
  }

  get connection(): ConnectionInfo {
    return this.#host.connectionInfo;
  }

  get bodyComplete(): boolean {
    return this.#bodyDone;
  }

  get headSent(): boolean {
    return this.#headSent;
  }

  get finished(): boolean {
    return this.#finished;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** The body is being read but is stalled by the client (not paused by us). */
  get awaitingBody(): boolean {
    if (this.#bodyDone || this.#bodyPaused || this.#aborted) return false;
    return !this.expectContinue || this.#continueSent;
  }

  // ------------------------------------------------------------ request body

  /** Starts delivering the body: chunks received so far first, then as they arrive. */
  setBodySink(sink: BodySink): void {
    this.#sink = sink;
    const buffered = this.#buffered;
    this.#buffered = undefined;
    this.#bufferedBytes = 0;
    if (buffered !== undefined) for (const chunk of buffered) sink.onRequestBody(chunk);
    if (this.#bodyPaused && !this.#finished) this.resumeBody();
    if (this.#bodyDone) sink.onRequestBodyEnd();
  }

  /** The body will not be used: read and drop it (up to a limit, else the connection closes after the response). */
  discardBody(): void {
    this.#sink = undefined;
    this.#discarding = true;
    this.#discardedBytes += this.#bufferedBytes;
    this.#buffered = undefined;
    this.#bufferedBytes = 0;
    if (this.#bodyPaused) this.resumeBody();
  }

  pauseBody(): void {
    if (this.#bodyPaused || this.#bodyDone) return;
    this.#bodyPaused = true;
    this.#host.pauseReading(PAUSED_FOR_BODY);
  }

  resumeBody(): void {
    if (!this.#bodyPaused) return;
    this.#bodyPaused = false;
    this.#host.resumeReading(PAUSED_FOR_BODY);
  }

  /** Answers Expect: 100-continue, once, if the response has not started. */
  sendContinue(): void {
    if (!this.expectContinue || this.#continueSent || this.#headSent || this.#bodyDone) return;
    this.#continueSent = true;
    this.#host.output.string(CONTINUE_LINE);
  }

  /** From the parser. */
  deliverBody(chunk: Buffer): void {
    this.bodyBytesReceived += chunk.length;
    this.lastBodyAt = this.#host.now;
    if (this.#sink !== undefined) {
      this.#sink.onRequestBody(chunk);
    } else if (this.#discarding) {
      this.#discardedBytes += chunk.length;
      if (this.#discardedBytes > this.#host.discardBodyBytes) this.#giveUpDiscarding();
    } else {
      (this.#buffered ??= []).push(chunk);
      this.#bufferedBytes += chunk.length;
      if (this.#bufferedBytes >= this.#host.pendingBodyBytes) this.pauseBody();
    }
  }

  /** From the parser. */
  deliverBodyEnd(): void {
    this.#bodyDone = true;
    if (this.#bodyPaused) {
      this.#bodyPaused = false;
      this.#host.resumeReading(PAUSED_FOR_BODY);
    }
    this.#sink?.onRequestBodyEnd();
    if (this.#finished) this.#host.requestDone(this);
  }

  #giveUpDiscarding(): void {
    this.#keepAlive = false;
    if (this.#finished) this.#host.closeAfterResponse();
  }

  // ------------------------------------------------------------ response

  /**
   * Writes the status line and headers. `headers` must already be free of
   * hop-by-hop and framing headers; framing is added here: `contentLength`
   * (≥ 0) is written as Content-Length, -1 means unknown (chunked for HTTP/1.1
   * clients, close-delimited for HTTP/1.0).
   */
  writeHead(status: number, headers: readonly string[], contentLength: number): void {
    this.writeHeadLines(status, serializeHeaders(headers), contentLength);
  }

  /** writeHead with the headers already serialised ("name: value\r\n" each). */
  writeHeadLines(status: number, lines: string, contentLength: number): void {
    if (this.#headSent || this.#aborted) return;
    this.#headSent = true;
    this.status = status;
    let head = `${statusLine(status)}${lines}`;
    if (status === 101) {
      this.#noBody = true;
      this.#host.output.string(`${head}\r\n`);
      return;
    }
    this.#noBody = this.method === 'HEAD' || status === 204 || status === 304 || status < 200;
    // After an upgrade request answered without 101, what follows on the
    // connection may be the client's optimistic tunnel bytes, not HTTP.
    if (this.upgrade) this.#keepAlive = false;
    if (this.expectContinue && !this.#continueSent && !this.#bodyDone) {
      // The client may be holding its body back for a 100 that will not
      // come; it can't be reused for another request (RFC 9110 §10.1.1).
      this.#keepAlive = false;
    }
    if (status !== 204 && !(status < 200)) {
      if (contentLength >= 0) {
        head += `content-length: ${contentLength}\r\n`;
      } else if (!this.#noBody) {
        if (this.versionMinor >= 1) {
          this.#chunked = true;
          head += 'transfer-encoding: chunked\r\n';
        } else {
          this.#keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
        }
      }
    }
    if (!this.#keepAlive || !this.#host.keepAliveAllowed) {
      this.#keepAlive = false;
      head += 'connection: close\r\n';
    } else if (this.versionMinor === 0) {
      head += 'connection: keep-alive\r\n';
    }
    this.#host.output.string(`${head}\r\n`);
  }

  /** Holds writes to the client until uncorkOutput, to send them in one go. */
  corkOutput(): void {
    this.#host.output.begin();
  }

  /** Sends what was held; false means the client is slow (wait for drained()). */
  uncorkOutput(): boolean {
    return this.#blocked(this.#host.output.end());
  }

  /** Bytes written to the client are still queued (a Buffer given to write() may still be read). */
  get outputQueued(): boolean {
    return this.#host.socket.writableLength > 0;
  }

  /** Writes body bytes; false means the client is slow (wait for drained()). */
  write(chunk: Buffer): boolean {
    if (this.#noBody || this.#finished || this.#aborted || chunk.length === 0) return true;
    this.bodyBytesSent += chunk.length;
    const output = this.#host.output;
    if (!this.#chunked) return this.#blocked(output.buffer(chunk));
    output.string(chunkSizeLine(chunk.length));
    output.buffer(chunk);
    return this.#blocked(output.string('\r\n'));
  }

  #blocked(ok: boolean): boolean {
    if (!ok && this.writeBlockedSince === 0) this.writeBlockedSince = this.#host.now;
    return ok;
  }

  /** From the connection: the client took what was written. */
  drained(): void {
    this.writeBlockedSince = 0;
    this.listener?.clientDrained();
  }

  /** Finishes the response (with trailers, when chunked). */
  end(trailers: readonly string[] = []): void {
    if (this.#finished || this.#aborted) return;
    this.#finished = true;
    if (this.#chunked) this.#host.output.string(lastChunk(trailers));
    if (!this.#keepAlive) this.#host.closeAfterResponse();
    if (this.#bodyDone) {
      this.#host.requestDone(this);
    } else if (!this.#keepAlive) {
      // closing anyway: the rest of the body is not worth reading
    } else if (this.#sink !== undefined || !this.#discarding) {
      this.discardBody();
    }
  }

  /** A complete local response (`body` a byte string), in one write. The request body is dropped. */
  respond(status: number, headers: readonly string[], body = ''): void {
    if (this.#headSent) return;
    if (!this.#bodyDone) this.discardBody();
    const output = this.#host.output;
    output.begin();
    this.writeHead(status, ['date', this.#host.httpDate, ...headers], body.length);
    if (body.length > 0 && !this.#noBody) {
      this.bodyBytesSent += body.length;
      output.string(body);
    }
    this.end();
    output.end();
  }

  /** The response after this one closes the connection (used when the exchange leaves the connection in doubt). */
  forceClose(): void {
    this.#keepAlive = false;
  }

  /** Cuts the exchange off: the client connection is destroyed (after a partial response, nothing else is safe). */
  abort(reason: string): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#host.socket.destroy();
    this.listener?.clientGone(reason);
  }

  /** From the connection: the client went away or the request was cut off. */
  clientGone(reason: string): void {
    if (this.#aborted || this.#finished) return;
    this.#aborted = true;
    this.listener?.clientGone(reason);
  }

  /** For a 101: the socket (and bytes the client sent after the head) leave HTTP. */
  takeSocket(): { socket: Socket; head: Buffer } {
    this.#finished = true;
    this.#host.output.flush(); // the 101 head goes before anything the tunnel writes
    return this.#host.detachForUpgrade();
  }

  /** After takeSocket: how the connection's owner closes the tunnel (shutdown, port removal). */
  tunnelOpened(close: () => void): void {
    this.#host.setTunnelCloser(close);
  }
}

/** What the connection learnt about a head while checking it. */
export interface RequestHeadInfo {
  target: string;
  host: string | undefined;
  expectContinue: boolean;
  hasBody: boolean;
  chunked: boolean;
}
