// One client connection: feeds bytes to llhttp, serves requests strictly one
// at a time and in order, and enforces the connection's deadlines (checked by
// the shared clock's sweep). Pipelining: while a request is in flight, the
// next head is parsed and held (llhttp is paused right after it) and the
// socket stops reading, so at most one request waits and the rest stay in the
// kernel's buffers: memory stays bounded whatever the client sends.
import type { Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';
import type { Clock, Sweepable } from './clock.ts';
import { reasonPhrase } from './head.ts';
import type { HttpLimits } from './limits.ts';
import { CONTINUE, Http1Parser, PAUSE } from './parser.ts';
import type { MessageHead, ParseError, ParserHandler } from './parser.ts';
import { checkRequestHead } from './request-checks.ts';
import { ServerRequest } from './server-request.ts';
import type { RequestHost } from './server-request.ts';

export interface RequestHandler {
  onRequest(request: ServerRequest): void;
  /** A request refused before it reached the handler (bad head, timeout); for access logs. */
  onRejected?(info: { status: number; code: string; remoteAddress: string; localPort: number }): void;
}

export interface ConnectionOwner {
  readonly handler: RequestHandler;
  readonly limits: HttpLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  /** True once the connection's port is closing: finish the current request, then close. */
  readonly draining: boolean;
  connectionClosed(connection: ServerConnection): void;
}

const PAUSED_FOR_PIPELINE = 2;
const PAUSED_FOR_UPGRADE = 4;

const EMPTY = Buffer.alloc(0);

export class ServerConnection implements ParserHandler, RequestHost, Sweepable {
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly localPort: number;
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
  #idleSince = 0;
  #clientEnded = false;
  #closing = false;
  #closingSince = 0;
  #closed = false;
  #upgraded = false;
  /** When upgraded: destroys the tunnel. */
  #tunnelClose: (() => void) | undefined;

  constructor(socket: Socket, owner: ConnectionOwner) {
    this.socket = socket;
    this.#owner = owner;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.#parser = new Http1Parser('request', this, owner.limits.maxHeaderBytes);
    this.#headStartedAt = owner.clock.now;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.#onData(data));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => this.#owner.logger.debug({ err: error.message, remote: this.remoteAddress }, 'client socket error'));
    socket.on('close', () => this.#onClose());
    socket.on('drain', () => this.#current?.drained());
  }

  // ------------------------------------------------------------ RequestHost

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
    if (this.#pauseReasons === 0) this.socket.pause();
    this.#pauseReasons |= reason;
  }

  resumeReading(reason: number): void {
    if ((this.#pauseReasons & reason) === 0) return;
    this.#pauseReasons &= ~reason;
    if (this.#pauseReasons === 0 && !this.#closed) this.socket.resume();
  }

  closeAfterResponse(): void {
    this.#closeSoon();
  }

  /** Ends the connection once what was written is sent; a client that never reads it is cut off by the sweep. */
  #closeSoon(): void {
    if (!this.#closing) this.#closingSince = this.#owner.clock.now;
    this.#closing = true;
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
      if (leftover.length > 0) this.#parse(leftover);
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
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('drain');
    this.#parser.close();
    this.#pauseReasons = 0;
    return { socket: this.socket, head };
  }

  /** Lets the data plane close a tunnel this connection became. */
  setTunnelCloser(close: () => void): void {
    this.#tunnelClose = close;
  }

  // ------------------------------------------------------------ parser events

  onHead(head: MessageHead): number {
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
    const current = this.#current;
    if (current === undefined) return;
    if (current.upgrade && !current.finished) {
      // Bytes after an upgrade request's head belong to the tunnel (or nothing).
      this.pauseReading(PAUSED_FOR_UPGRADE);
    }
    current.deliverBodyEnd();
  }

  // ------------------------------------------------------------ socket events

  #onData(data: Buffer): void {
    if ((this.#pauseReasons & (PAUSED_FOR_PIPELINE | PAUSED_FOR_UPGRADE)) !== 0) {
      // Reading is paused, but a chunk already on its way arrived: keep it for later.
      this.#leftover = this.#leftover === undefined ? data : Buffer.concat([this.#leftover, data]);
      return;
    }
    if (this.#current === undefined && !this.#headBytesSeen) {
      this.#headBytesSeen = true;
      if (this.#idleSince !== 0) this.#headStartedAt = this.#owner.clock.now;
    }
    this.#parse(data);
  }

  #parse(data: Buffer): void {
    const result = this.#parser.execute(data);
    if (result.kind === 'ok') {
      const current = this.#current;
      if (current?.upgrade === true && current.bodyComplete && !current.finished && result.consumed < data.length) {
        this.#leftover = data.subarray(result.consumed);
      }
      return;
    }
    if (result.kind === 'paused') {
      if (this.#closing) return;
      this.#leftover = result.consumed < data.length ? data.subarray(result.consumed) : undefined;
      this.pauseReading(PAUSED_FOR_PIPELINE);
      return;
    }
    this.#onParseError(result.error);
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
    this.#parser.close();
    this.#current?.clientGone('client_closed');
    this.#current = undefined;
    this.#queued = undefined;
    this.#leftover = undefined;
    this.#owner.connectionClosed(this);
  }

  // ------------------------------------------------------------ requests

  #startRequest(head: MessageHead): void {
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
