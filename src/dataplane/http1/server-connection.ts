// One client connection: llhttp reads the socket directly (no stream layer,
// no Buffer per read), requests are served strictly one at a time and in
// order, and the connection's deadlines are checked by the shared clock's
// sweep. Pipelining: while a request is in flight, the next head is parsed and
// held (llhttp is paused right after it) and the socket stops reading, so at
// most one request waits and the rest stay in the kernel's buffers: memory
// stays bounded whatever the client sends.
import type { Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';
import type { ConnectionInfo } from '../connection-info.ts';
import type { Clock, Sweepable } from './clock.ts';
import { reasonPhrase } from './head.ts';
import type { HttpLimits } from './limits.ts';
import { Output } from './output.ts';
import { CONTINUE, Http1Parser, PAUSE } from './parser.ts';
import type { MessageHead, ParseError, ParserHandler } from './parser.ts';
import type { ExecuteResult } from './parser.ts';
import { checkRequestHead } from './request-checks.ts';
import { ServerRequest } from './server-request.ts';
import type { RequestHost } from './server-request.ts';
import { startReading, stopReading } from './stream-handle.ts';

export interface RequestHandler {
  onRequest(request: ServerRequest): void;
  /** A request refused before it reached the handler (bad head, timeout); for access logs. */
  onRejected?(info: { status: number; code: string; remoteAddress: string; localPort: number }): void;
}

export interface ConnectionOwner {
  /** The listening port (the connections' local port). */
  readonly port: number;
  readonly handler: RequestHandler;
  readonly limits: HttpLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  /** True once the connection's port is closing: finish the current request, then close. */
  readonly draining: boolean;
  connectionClosed(connection: ServerConnection): void;
  /**
   * Present when an HTTP/2 engine is configured: a connection that opens with
   * the HTTP/2 preface (h2c prior knowledge) is handed over with the bytes
   * read so far; `connection` is done (its connectionClosed never comes): the
   * owner forgets it and hands connection.socket on.
   */
  takeHttp2?(connection: ServerConnection, head: Buffer): void;
}

const PAUSED_FOR_PIPELINE = 2;
const PAUSED_FOR_UPGRADE = 4;

const EMPTY = Buffer.alloc(0);
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export class ServerConnection implements ParserHandler, RequestHost, Sweepable {
  readonly socket: Socket;
  readonly output: Output;
  readonly localPort: number;
  /** Scheme, and TLS facts when the connection was terminated here. */
  readonly connectionInfo: ConnectionInfo;
  readonly #owner: ConnectionOwner;
  readonly #parser: Http1Parser;
  #current: ServerRequest | undefined;
  /** A pipelined head parsed while #current was in flight. */
  #queued: MessageHead | undefined;
  /** Bytes after #queued's head, not parsed yet. */
  #leftover: Buffer | undefined;
  #pauseReasons = 0;
  /** A parse error met while an earlier request was still being answered. */
  #deferredError: ParseError | undefined;
  /** When the head being awaited started (its first byte, or the connection's start); 0 when none is awaited. */
  #headStartedAt: number;
  #headBytesSeen = false;
  /** A head started or a message ended since the last read was handled (see #onRead). */
  #messageEvents = false;
  #idleSince = 0;
  #clientEnded = false;
  #closing = false;
  #closingSince = 0;
  #closed = false;
  #upgraded = false;
  /** When upgraded: destroys the tunnel. */
  #tunnelClose: (() => void) | undefined;

  /** A request has been started on this connection (the HTTP/2 preface is only taken before any). */
  #served = false;

  constructor(socket: Socket, owner: ConnectionOwner, info: ConnectionInfo) {
    this.socket = socket;
    this.output = new Output(socket);
    this.#owner = owner;
    this.localPort = owner.port;
    this.connectionInfo = info;
    this.#parser = Http1Parser.acquire('request', this, owner.limits.maxHeaderBytes);
    this.#headStartedAt = owner.clock.now;
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => this.#owner.logger.debug({ err: error.message, remote: this.remoteAddress }, 'client socket error'));
    socket.on('close', () => this.#onClose());
    socket.on('drain', () => this.#current?.drained());
    if (!this.#parser.consume(socket, (result) => this.#onRead(result))) {
      // Every socket a net or tls server accepts has a stream handle; one without is a bug.
      owner.logger.error({ remote: this.remoteAddress }, 'client socket cannot be read by llhttp');
      socket.destroy();
    }
  }

  // ------------------------------------------------------------ RequestHost

  /** Asked of the kernel on first use (a connection answered locally never needs it); net.Socket keeps it. */
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get pendingBodyBytes(): number {
    return this.#owner.limits.pendingBodyBytes;
  }

  get discardBodyBytes(): number {
    return this.#owner.limits.discardBodyBytes;
  }

  get keepAliveAllowed(): boolean {
    if (this.#owner.draining || this.#closing) return false;
    // A client that has finished sending still gets answers to what it pipelined.
    return !this.#clientEnded || this.#queued !== undefined || this.#leftover !== undefined;
  }

  get httpDate(): string {
    return this.#owner.clock.httpDate;
  }

  get now(): number {
    return this.#owner.clock.now;
  }

  pauseReading(reason: number): void {
    if (this.#pauseReasons === 0) stopReading(this.socket);
    this.#pauseReasons |= reason;
  }

  resumeReading(reason: number): void {
    if ((this.#pauseReasons & reason) === 0) return;
    this.#pauseReasons &= ~reason;
    if (this.#pauseReasons === 0 && !this.#closed) startReading(this.socket);
  }

  closeAfterResponse(): void {
    this.#closeSoon();
  }

  /** Ends the connection once what was written is sent; a client that never reads it is cut off by the sweep. */
  #closeSoon(): void {
    if (!this.#closing) this.#closingSince = this.#owner.clock.now;
    this.#closing = true;
    this.output.flush(); // what a batch holds goes before the end
    this.socket.destroySoon();
  }

  requestDone(request: ServerRequest): void {
    if (request !== this.#current) return;
    this.#current = undefined;
    if (this.#closing || this.#closed) return;
    if (this.#deferredError !== undefined) {
      this.#onParseError(this.#deferredError);
      return;
    }
    if (this.#queued !== undefined) {
      const head = this.#queued;
      const leftover = this.#leftover ?? EMPTY;
      this.#queued = undefined;
      this.#leftover = undefined;
      this.#startRequest(head);
      if (this.#closing || this.#closed) return;
      this.#parser.resume();
      // Even with nothing left over: llhttp completes the held message only when it runs again.
      this.#parse(leftover);
      if (this.#queued === undefined && this.#deferredError === undefined) this.resumeReading(PAUSED_FOR_PIPELINE);
      if (this.#clientEnded && this.#current === undefined && this.#queued === undefined) this.closeAfterResponse();
      return;
    }
    if (this.#clientEnded || this.#owner.draining) {
      this.#closeSoon();
      return;
    }
    this.#idleSince = this.#owner.clock.now;
  }

  detachForUpgrade(): { socket: Socket; head: Buffer } {
    this.#upgraded = true;
    this.#current = undefined;
    const head = this.#leftover ?? EMPTY;
    this.#leftover = undefined;
    // The socket's own stream reads from here on; it thinks a read it asked
    // for is still pending (llhttp took every byte), so start reading for it:
    // bytes arriving before the tunnel takes them wait in the stream's buffer.
    this.#parser.release();
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('drain');
    this.#pauseReasons = 0;
    startReading(this.socket);
    return { socket: this.socket, head };
  }

  /** Lets the data plane close a tunnel this connection became. */
  setTunnelCloser(close: () => void): void {
    this.#tunnelClose = close;
  }

  // ------------------------------------------------------------ parser events

  onHead(head: MessageHead): number {
    this.#messageEvents = true;
    if (this.#current !== undefined) {
      this.#queued = head;
      return PAUSE;
    }
    this.#startRequest(head);
    // A refused head stops the parser: nothing after it is read.
    return this.#closing ? PAUSE : CONTINUE;
  }

  onBody(chunk: Buffer): void {
    this.#current?.deliverBody(chunk);
  }

  onMessageComplete(): void {
    this.#messageEvents = true;
    const current = this.#current;
    if (current === undefined) return;
    if (current.upgrade && !current.finished) {
      // Bytes after an upgrade request's head belong to the tunnel (or nothing).
      this.pauseReading(PAUSED_FOR_UPGRADE);
    }
    current.deliverBodyEnd();
  }

  // ------------------------------------------------------------ socket events

  /** After llhttp parsed one read of the socket (its callbacks have run). */
  #onRead(result: ExecuteResult): void {
    const startedOrEnded = this.#messageEvents;
    this.#messageEvents = false;
    if (result.kind === 'ok' && !startedOrEnded && this.#current === undefined && !this.#headBytesSeen) {
      // Bytes of a head that is not complete yet: its header timeout runs from
      // now (or from the connection's start, for its first request).
      this.#headBytesSeen = true;
      if (this.#idleSince !== 0) this.#headStartedAt = this.#owner.clock.now;
    }
    this.#afterParse(result, undefined);
  }

  /** Parses bytes read earlier (what followed a pipelined head). */
  #parse(data: Buffer): void {
    const result = this.#parser.execute(data);
    this.#messageEvents = false;
    this.#afterParse(result, data);
  }

  /** `data`: the bytes parsed, or undefined for a read llhttp did itself (then copied only if some are left over). */
  #afterParse(result: ExecuteResult, data: Buffer | undefined): void {
    if (result.kind === 'ok') {
      const current = this.#current;
      if (current?.upgrade === true && current.bodyComplete && !current.finished) {
        // Bytes after an upgrade request belong to the tunnel.
        const bytes = data ?? this.#parser.currentRead();
        if (result.consumed < bytes.length) this.#leftover = bytes.subarray(result.consumed);
      }
      return;
    }
    if (result.kind === 'paused') {
      if (this.#closing) return;
      const bytes = data ?? this.#parser.currentRead();
      this.#leftover = result.consumed < bytes.length ? bytes.subarray(result.consumed) : undefined;
      this.pauseReading(PAUSED_FOR_PIPELINE);
      return;
    }
    if (result.error.code === 'HPE_PAUSED_H2_UPGRADE' && this.#handOverHttp2((data ?? this.#parser.currentRead()).subarray(result.consumed))) return;
    this.#onParseError(result.error);
  }

  /**
   * llhttp stops right after the whole 24-byte HTTP/2 preface (RFC 9113 §3.4):
   * a client speaking HTTP/2 with prior knowledge. Before any HTTP/1.1
   * request, and with an HTTP/2 engine, the connection goes to it. llhttp
   * matched the preface across however many reads it came in (until then the
   * header timeout bounds the wait, as for any head), so the engine gets the
   * preface itself followed by `after`, the rest of this read; nothing more
   * is kept or checked on the HTTP/1.1 path.
   */
  #handOverHttp2(after: Buffer): boolean {
    if (this.#owner.takeHttp2 === undefined || this.#served || this.#closing || this.#closed) return false;
    this.#upgraded = true;
    this.#closed = true;
    this.#parser.release();
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('drain');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    this.#pauseReasons = 0;
    startReading(this.socket);
    this.#owner.takeHttp2(this, Buffer.concat([HTTP2_PREFACE, after]));
    return true;
  }

  #onEnd(): void {
    this.#clientEnded = true;
    if (this.#leftover !== undefined || this.#queued !== undefined) return; // answer what was pipelined first
    const error = this.#parser.finish();
    if (error !== undefined) {
      this.#onParseError(error);
      return;
    }
    if (this.#current === undefined) this.#closeSoon();
  }

  #onClose(): void {
    this.#closed = true;
    // An upgraded connection gave its parser back already (it may serve another connection now).
    if (!this.#upgraded) this.#parser.release();
    this.#current?.clientGone('client_closed');
    this.#current = undefined;
    this.#queued = undefined;
    this.#leftover = undefined;
    this.#owner.connectionClosed(this);
  }

  // ------------------------------------------------------------ requests

  #startRequest(head: MessageHead): void {
    this.#served = true;
    this.#headBytesSeen = false;
    this.#idleSince = 0;
    const verdict = checkRequestHead(head);
    if (!verdict.ok) {
      this.#refuse(verdict.status, verdict.code);
      return;
    }
    const request = new ServerRequest(this, head, verdict.info);
    this.#current = request;
    try {
      this.#owner.handler.onRequest(request);
    } catch (error) {
      // A bug, never an input problem; the client still gets an answer.
      this.#owner.logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'request handler failed');
      if (!request.headSent) {
        request.forceClose();
        request.respond(500, ['content-type', 'text/plain'], 'internal error\n');
      } else {
        request.abort('internal_error');
      }
    }
  }

  /** Answers a request that is refused before routing, then closes. */
  #refuse(status: number, code: string): void {
    this.#owner.handler.onRejected?.({ status, code, remoteAddress: this.remoteAddress, localPort: this.localPort });
    if (!this.#closing) this.#closingSince = this.#owner.clock.now;
    this.#closing = true;
    if (!this.socket.writable) return;
    const body = `${status === 431 ? 'request header fields too large' : code.replaceAll('_', ' ')}\n`;
    this.output.flush();
    this.socket.end(
      `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\ndate: ${this.#owner.clock.httpDate}\r\ncontent-type: text/plain\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    this.socket.destroySoon();
  }

  #onParseError(error: ParseError): void {
    this.#owner.logger.debug({ code: error.code, reason: error.reason, remote: this.remoteAddress }, 'malformed request');
    const current = this.#current;
    if (current !== undefined && current.bodyComplete) {
      // The bad bytes follow a complete request still being answered: answer
      // it first, then refuse (pipelining keeps responses in order).
      this.#deferredError = error;
      this.pauseReading(PAUSED_FOR_PIPELINE);
      return;
    }
    this.#current = undefined;
    this.#queued = undefined;
    this.#leftover = undefined;
    if (current !== undefined) {
      current.clientGone('malformed_request');
      if (current.headSent) {
        this.#closing = true;
        this.socket.destroy();
        return;
      }
    }
    if (error.code === 'HPE_PAUSED_H2_UPGRADE') {
      this.#closing = true;
      this.socket.destroy();
      return;
    }
    this.#refuse(error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400, error.code === 'HPE_HEADER_OVERFLOW' ? 'header_too_large' : 'bad_request');
  }

  // ------------------------------------------------------------ deadlines

  sweep(now: number): void {
    if (this.#closed || this.#upgraded) return;
    const limits = this.#owner.limits;
    if (this.#closing) {
      // Closing waits for the last bytes to go out; a client that does not take them is cut off.
      if (limits.idleTimeoutMs > 0 && now - this.#closingSince > limits.idleTimeoutMs) this.socket.destroy();
      return;
    }
    const current = this.#current;
    if (current === undefined) {
      if (this.#headBytesSeen || this.#idleSince === 0) {
        if (limits.headerTimeoutMs > 0 && now - this.#headStartedAt > limits.headerTimeoutMs) {
          if (this.#headBytesSeen) this.#refuse(408, 'header_timeout');
          else this.#closeNow();
        }
      } else if (limits.idleTimeoutMs > 0 && now - this.#idleSince > limits.idleTimeoutMs) {
        this.#closeNow();
      }
      return;
    }
    if (limits.idleTimeoutMs > 0 && current.writeBlockedSince !== 0 && now - current.writeBlockedSince > limits.idleTimeoutMs) {
      // The client stopped reading its response (Envoy's stream idle timeout plays this part).
      this.#owner.logger.debug({ remote: this.remoteAddress }, 'client stopped reading');
      this.#current = undefined;
      current.abort('client_write_timeout');
      return;
    }
    if (limits.bodyIdleTimeoutMs > 0 && current.awaitingBody && now - current.lastBodyAt > limits.bodyIdleTimeoutMs) {
      this.#owner.logger.debug({ remote: this.remoteAddress }, 'request body timed out');
      this.#current = undefined;
      current.clientGone('body_timeout');
      if (current.headSent) this.#closeNow();
      else this.#refuse(408, 'body_timeout');
    }
  }

  /** Closes at once if no request is in flight; otherwise after the current response (draining). */
  drain(): void {
    if (this.#closed) return;
    if (this.#upgraded) return; // tunnels end on their own or at the drain deadline
    if (this.#current === undefined && this.#queued === undefined) this.#closeNow();
  }

  /** Closes now, whatever is in flight. */
  destroy(): void {
    if (this.#upgraded) this.#tunnelClose?.();
    this.socket.destroy();
  }

  #closeNow(): void {
    this.#closing = true;
    this.socket.destroy();
  }
}
