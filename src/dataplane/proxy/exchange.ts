// Forwarding one request to its backend and the response back: endpoint
// choice, connection from the pool, request body streaming with backpressure
// both ways, retries (HTTPRouteRetry) with a replay buffer, the request and
// per-try timeouts (HTTPRouteTimeouts), mirrors, and upgrades.
//
// Failure answers follow Envoy: connect failure or a reset before the response
// → 503, an invalid response → 502, a timeout → 504. Once the response head
// has gone to the client nothing else can be said, so a failure after it
// closes the client connection.
import type { IRWeightedBackend } from '../../ir/types.ts';
import type { HttpLimits } from '../http1/limits.ts';
import type { MessageHead } from '../http1/parser.ts';
import type { BodySink, ResponseListener } from '../http1/server-request.ts';
import type { Backend, EndpointFailure } from '../upstream/backend.ts';
import type { BackendStream, ResponseHandler, UpstreamError } from '../upstream/connection.ts';
import type { BackendPool, ConnectError } from '../upstream/pool.ts';
import type { ClientRequest } from './client-request.ts';
import type { RuleRuntime } from './config.ts';
import { localReply } from './local-reply.ts';
import type { MirrorRequest } from './mirror.ts';
import { clientResponseHead } from './response-head.ts';
import { openTunnel } from './tunnel.ts';

export interface ExchangeOutcome {
  status: number;
  /** Stable error code when the exchange failed (see the codes used below). */
  error: string | undefined;
  endpoint: string | undefined;
  /** Milliseconds from sending the request (last try) to the response head. */
  upstreamMs: number | undefined;
  tries: number;
}

export interface ExchangeSpec {
  request: ClientRequest;
  rule: RuleRuntime;
  share: IRWeightedBackend;
  backend: Backend;
  method: string;
  head: string;
  /** The request body goes upstream chunk-framed. */
  chunked: boolean;
  cors: readonly string[] | undefined;
  mirrors: readonly MirrorRequest[];
  limits: HttpLimits;
  /** Told how the exchange ended (access logs, metrics); absent when nobody listens. */
  log: { finish(outcome: ExchangeOutcome): void } | undefined;
}

const NO_CHUNKS: readonly Buffer[] = [];

/** Methods whose requests can be sent twice without harm (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export class Exchange implements BodySink, ResponseHandler, ResponseListener {
  readonly #spec: ExchangeSpec;
  readonly #request: ClientRequest;
  #connection: BackendStream | undefined;
  #pool: BackendPool | undefined;
  /** Every body chunk so far, while the body still fits the retry buffer; undefined once it does not. */
  #replay: Buffer[] | undefined;
  #replayBytes = 0;
  /** Chunks for the current try not written yet (only used once #replay is gone). */
  #pending: Buffer[] | undefined;
  #pendingBytes = 0;
  #bodyEnded: boolean;
  #tries = 0;
  #retriesLeft: number;
  #transparentRetryUsed = false;
  #responding = false;
  #finished = false;
  #sentAt = 0;
  #upstreamMs: number | undefined;
  #requestTimer: NodeJS.Timeout | undefined;
  #tryTimer: NodeJS.Timeout | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;

  constructor(spec: ExchangeSpec) {
    this.#spec = spec;
    this.#request = spec.request;
    this.#bodyEnded = !spec.request.hasBody;
    // Nothing to replay yet (a request without a body never has anything).
    this.#replay = this.#bodyEnded ? (NO_CHUNKS as Buffer[]) : [];
    this.#retriesLeft = spec.rule.ir.retry?.attempts ?? 0;
  }

  start(): void {
    const request = this.#request;
    request.listener = this;
    const requestMs = this.#spec.rule.ir.timeouts?.requestMs;
    if (requestMs !== undefined && requestMs > 0) {
      this.#requestTimer = setTimeout(() => this.#timedOut('request_timeout'), requestMs);
    }
    if (request.hasBody) {
      request.sendContinue();
      request.setBodySink(this);
    }
    this.#try();
  }

  // ------------------------------------------------------------ request body

  onRequestBody(chunk: Buffer): void {
    for (const mirror of this.#spec.mirrors) mirror.write(chunk);
    if (this.#finished) return;
    if (this.#replay !== undefined) {
      this.#replay.push(chunk);
      this.#replayBytes += chunk.length;
      if (this.#replayBytes > this.#spec.limits.retryBufferBytes) {
        // Too big to keep for a retry: from here on this try is the only one.
        if (this.#connection === undefined) {
          this.#pending = this.#replay;
          this.#pendingBytes = this.#replayBytes;
        }
        this.#replay = undefined;
        this.#replayBytes = 0;
        if (this.#connection !== undefined) this.#writeBody(chunk);
        else if (this.#pendingBytes >= this.#spec.limits.pendingBodyBytes) this.#request.pauseBody();
        return;
      }
    } else if (this.#connection === undefined) {
      (this.#pending ??= []).push(chunk);
      this.#pendingBytes += chunk.length;
    }
    if (this.#connection !== undefined) this.#writeBody(chunk);
    else if (this.#replay === undefined && this.#pendingBytes >= this.#spec.limits.pendingBodyBytes) this.#request.pauseBody();
  }

  onRequestBodyEnd(): void {
    for (const mirror of this.#spec.mirrors) mirror.end();
    this.#bodyEnded = true;
    if (!this.#finished) this.#connection?.end(this.#spec.chunked);
  }

  #writeBody(chunk: Buffer): void {
    const connection = this.#connection as BackendStream;
    if (!connection.write(chunk, this.#spec.chunked)) this.#request.pauseBody();
  }

  // ------------------------------------------------------------ tries

  #try(): void {
    this.#tries++;
    const picked = this.#spec.backend.pick();
    if (typeof picked === 'object') {
      this.#useEndpoint(picked, false);
    } else if (picked !== undefined) {
      this.#noEndpoint(picked);
    } else {
      this.#spec.backend.resolve((failure, pool) => {
        if (this.#finished) return;
        if (failure !== undefined || pool === undefined) this.#noEndpoint(failure ?? 'no_endpoints');
        else this.#useEndpoint(pool, false);
      });
    }
  }

  #useEndpoint(pool: BackendPool, fresh: boolean): void {
    this.#pool = pool;
    const backendRequestMs = this.#spec.rule.ir.timeouts?.backendRequestMs;
    if (backendRequestMs !== undefined && backendRequestMs > 0 && this.#tryTimer === undefined) {
      this.#tryTimer = setTimeout(() => this.#timedOut('backend_timeout'), backendRequestMs);
    }
    const idle = fresh ? undefined : pool.acquire();
    if (idle !== undefined) {
      this.#send(idle);
      return;
    }
    pool.connect((error, connection) => {
      if (this.#finished) {
        if (connection !== undefined) pool.release(connection);
        return;
      }
      if (error !== undefined || connection === undefined) this.#connectFailed(error as ConnectError);
      else this.#send(connection);
    });
  }

  #send(connection: BackendStream): void {
    this.#connection = connection;
    this.#sentAt = performance.now();
    connection.start(this, this.#spec.method, this.#spec.head);
    let flowing = true;
    for (const chunk of this.#replay ?? this.#pending ?? NO_CHUNKS) flowing = connection.write(chunk, this.#spec.chunked);
    if (this.#replay === undefined) {
      this.#pending = undefined;
      this.#pendingBytes = 0;
    }
    // The client may have been paused while there was nowhere to send its body.
    if (flowing) this.#request.resumeBody();
    else this.#request.pauseBody();
    if (this.#bodyEnded) connection.end(this.#spec.chunked);
  }

  #noEndpoint(failure: EndpointFailure): void {
    const message = failure === 'dns_failed' ? 'backend name did not resolve' : failure === 'unsupported_protocol' ? 'backend protocol not supported' : 'no healthy upstream';
    this.#fail(503, failure, message);
  }

  #connectFailed(error: ConnectError): void {
    if (this.#canRetry() && this.#spec.rule.ir.retry?.onConnectFailure === true) {
      this.#retry();
      return;
    }
    // As Envoy does, a TLS failure's reason goes in the body ("upstream connect error ... TLS_error ...").
    const tls = error.code === 'tls_failed' || error.code === 'tls_invalid';
    this.#fail(503, error.code, tls ? `upstream connect error: ${error.message}` : 'upstream connect error');
  }

  #canRetry(): boolean {
    return this.#retriesLeft > 0 && this.#replay !== undefined && !this.#responding && !this.#finished;
  }

  /** Ends this try and starts the next after the backoff (HTTPRouteRetry.Backoff, exponential with jitter). */
  #retry(): void {
    this.#retriesLeft--;
    this.#dropConnection();
    this.#clearTryTimer();
    const base = this.#spec.rule.ir.retry?.backoffMs ?? 0;
    const retryIndex = this.#tries - 1;
    const delay = Math.min(base * 2 ** retryIndex, base * 10) * (0.5 + Math.random() / 2);
    if (delay <= 0) {
      this.#try();
      return;
    }
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      if (!this.#finished) this.#try();
    }, delay);
  }

  // ------------------------------------------------------------ response

  onResponseHead(head: MessageHead): void {
    if (this.#finished) return;
    this.#upstreamMs = performance.now() - this.#sentAt;
    const status = head.status;
    if (this.#spec.rule.retryCodes.has(status) && this.#canRetry()) {
      this.#retry();
      return;
    }
    const request = this.#request;
    if (status === 101 && !request.upgrade) {
      this.#dropConnection();
      this.#fail(502, 'upstream_protocol_error', 'invalid upstream response');
      return;
    }
    if (request.upgrade && request.upgradeAnswerValid?.(status, head.headers) === false) {
      this.#dropConnection();
      this.#fail(502, 'upgrade_failed', 'invalid upstream response to the upgrade');
      return;
    }
    const rule = this.#spec.rule.ir;
    const { lines, contentLength } = clientResponseHead(
      head.headers, status === 101, rule.responseHeaders, this.#spec.share.responseHeaders, this.#spec.cors);
    this.#responding = true;
    request.writeHeadLines(status, lines, contentLength);
  }

  onResponseBody(chunk: Buffer): void {
    if (this.#finished) return;
    if (!this.#request.write(chunk)) this.#connection?.pause();
  }

  onResponseEnd(trailers: string[]): void {
    if (this.#finished || !this.#responding) return;
    const connection = this.#connection;
    this.#connection = undefined;
    // Pool the connection first: a pipelined request that starts as this
    // response ends can then reuse it.
    connection?.finish();
    this.#request.end(trailers);
    this.#complete(this.#request.status, undefined);
  }

  onUpgrade(): void {
    const connection = this.#connection;
    if (this.#finished || connection === undefined) return;
    this.#connection = undefined;
    const backendEnd = connection.takeSocket();
    const clientEnd = this.#request.takeSocket();
    // The status the client got: 101 over HTTP/1.1, 200 on an HTTP/2 stream (RFC 8441).
    this.#complete(this.#request.status, undefined);
    this.#request.tunnelOpened(openTunnel(clientEnd, backendEnd));
  }

  /** The client took what was written: read the backend again (ResponseListener). */
  clientDrained(): void {
    this.#connection?.resume();
  }

  onUpstreamDrain(): void {
    this.#request.resumeBody();
  }

  onReadStart(): void {
    this.#request.corkOutput();
  }

  onReadEnd(): boolean {
    if (!this.#request.uncorkOutput()) this.#connection?.pause();
    return this.#request.outputQueued;
  }

  onUpstreamError(error: UpstreamError): void {
    if (this.#finished) return;
    this.#connection = undefined;
    if (this.#responding) {
      this.#request.abort(error.code);
      this.#complete(this.#request.status, error.code);
      return;
    }
    if (error.code === 'upgrade_failed') {
      // The backend cannot take the upgrade at all (an h2c backend without extended CONNECT): no try would do better.
      this.#fail(502, error.code, error.message);
      return;
    }
    // A kept-alive connection the backend closed as we reused it: the request
    // never reached the backend's application, so one immediate try on a new
    // connection does not count as a retry (idempotent requests only).
    if (error.reusedConnection && !error.responseStarted && !this.#transparentRetryUsed
      && this.#replay !== undefined && IDEMPOTENT.has(this.#spec.method) && this.#pool !== undefined) {
      this.#transparentRetryUsed = true;
      this.#useEndpoint(this.#pool, true);
      return;
    }
    if (this.#canRetry() && (this.#spec.rule.ir.retry?.onConnectFailure === true || this.#spec.rule.retryCodes.has(503))) {
      this.#retry();
      return;
    }
    if (error.code === 'upstream_protocol_error') this.#fail(502, error.code, 'invalid upstream response');
    else this.#fail(503, error.code, 'upstream connect error or disconnect/reset before headers');
  }

  // ------------------------------------------------------------ endings

  #timedOut(code: 'request_timeout' | 'backend_timeout'): void {
    if (this.#finished) return;
    if (code === 'backend_timeout') this.#tryTimer = undefined;
    if (this.#responding) {
      this.#dropConnection();
      this.#request.abort(code);
      this.#complete(this.#request.status, code);
      return;
    }
    if (code === 'backend_timeout' && this.#spec.rule.retryCodes.has(504) && this.#canRetry()) {
      this.#retry();
      return;
    }
    this.#dropConnection();
    this.#fail(504, code, 'upstream request timeout');
  }

  /** The client went away or its request was cut off (ResponseListener). */
  clientGone(reason: string): void {
    if (this.#finished) return;
    this.#dropConnection();
    for (const mirror of this.#spec.mirrors) mirror.cancel();
    this.#complete(this.#responding ? this.#request.status : 0, reason);
  }

  #fail(status: number, code: string, message: string): void {
    for (const mirror of this.#spec.mirrors) mirror.cancel();
    if (!this.#request.headSent && !this.#request.aborted) localReply(this.#request, status, message);
    this.#complete(status, code);
  }

  #dropConnection(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.destroy();
  }

  #clearTryTimer(): void {
    if (this.#tryTimer !== undefined) clearTimeout(this.#tryTimer);
    this.#tryTimer = undefined;
  }

  #complete(status: number, error: string | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#replay = undefined;
    this.#pending = undefined;
    this.#clearTryTimer();
    if (this.#requestTimer !== undefined) clearTimeout(this.#requestTimer);
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#spec.log?.finish({ status, error, endpoint: this.#pool?.endpoint, upstreamMs: this.#upstreamMs, tries: this.#tries });
  }
}
