// What the proxy pipeline (handler.ts, exchange.ts) needs from a client's
// request, whatever protocol carried it: the HTTP/1.1 engine's ServerRequest
// and the HTTP/2 engine's stream adapter (http2/stream-request.ts) both
// provide it, so routing, filters and the exchange with the backend exist once.
// Heads are byte strings (one char per byte), as the HTTP/1.1 engine reads them.
import type { ConnectionInfo } from '../connection-info.ts';
import type { BodySink, ResponseListener } from '../http1/server-request.ts';
import type { TunnelEnd } from './tunnel.ts';

export interface ClientRequest {
  readonly method: string;
  /** Origin-form target ("/path?query"). */
  readonly target: string;
  /** Flat header list [name, value, ...] without pseudo-headers or the Host (HTTP/2: :authority). */
  readonly headers: string[];
  /** The Host (HTTP/2: :authority) as received; undefined when absent. */
  readonly host: string | undefined;
  /**
   * An HTTP/2 extended CONNECT's :protocol (RFC 8441); its `method` is then
   * the GET it is routed and forwarded as, while the access log records CONNECT.
   */
  readonly protocol?: string;
  /** An HTTP/1.1 Upgrade was asked for. */
  readonly upgrade: boolean;
  readonly hasBody: boolean;
  /** The body has no declared length: it goes upstream chunk-framed. */
  readonly chunkedBody: boolean;
  readonly remoteAddress: string;
  readonly connection: ConnectionInfo;
  readonly headSent: boolean;
  readonly aborted: boolean;
  status: number;
  bodyBytesReceived: number;
  bodyBytesSent: number;
  listener: ResponseListener | undefined;

  sendContinue(): void;
  setBodySink(sink: BodySink): void;
  pauseBody(): void;
  resumeBody(): void;
  /** Headers serialised "name: value\r\n" each, without framing; contentLength -1 when unknown. */
  writeHeadLines(status: number, lines: string, contentLength: number): void;
  /** Body bytes; false means the client is slow (wait for listener.clientDrained()). */
  write(chunk: Buffer): boolean;
  end(trailers?: readonly string[]): void;
  /** A complete response Portico writes itself (`body` a byte string). */
  respond(status: number, headers: readonly string[], body?: string): void;
  forceClose(): void;
  abort(reason: string): void;
  corkOutput(): void;
  uncorkOutput(): boolean;
  /** Body chunks handed to write() may still be read (their memory must not be reused yet). */
  readonly outputQueued: boolean;
  /**
   * For an upgrade request: whether the backend's answer can go to this
   * client (HTTP/2 extended CONNECT checks the WebSocket accept key and
   * refuses a 2xx that is not 101); absent: any answer can.
   */
  upgradeAnswerValid?(status: number, headers: readonly string[]): boolean;
  /** After a 101 to an upgrade request: the client side of the tunnel. */
  takeSocket(): TunnelEnd;
  tunnelOpened(close: () => void): void;
}
