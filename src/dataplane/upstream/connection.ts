// One HTTP/1.1 connection to a backend endpoint: writes a request, parses the
// response with llhttp (RESPONSE mode, reading the socket itself) and hands it
// to the exchange that owns the connection for that request. Between requests
// it sits idle in its pool.
import type { Socket } from 'node:net';
import { CONTINUE, Http1Parser, PAUSE, SKIP_BODY, UPGRADE } from '../http1/parser.ts';
import type { ExecuteResult, MessageHead, ParserHandler } from '../http1/parser.ts';
import { CHUNK_END, chunkSizeLine, lastChunk } from '../http1/head.ts';
import { startReading, stopReading } from '../http1/stream-handle.ts';

export interface ResponseHandler {
  onResponseHead(head: MessageHead): void;
  onResponseBody(chunk: Buffer): void;
  onResponseEnd(trailers: string[]): void;
  /** The connection failed before the response completed. */
  onUpstreamError(error: UpstreamError): void;
  /** After a 101 head (onResponseHead saw it): call takeSocket() now. */
  onUpgrade(): void;
  /** The connection's socket drained after a write returned false. */
  onUpstreamDrain(): void;
  /**
   * Brackets the events of one read from the backend, so the handler can
   * batch what it writes to the client (a head and a body in one syscall).
   */
  onReadStart(): void;
  onReadEnd(): void;
}

export type UpstreamErrorCode = 'upstream_reset' | 'upstream_protocol_error';

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  /** True when part of the response had arrived before the failure. */
  readonly responseStarted: boolean;
  /** The connection had served earlier requests (a reset may be the peer closing an idle connection). */
  readonly reusedConnection: boolean;

  constructor(code: UpstreamErrorCode, message: string, responseStarted: boolean, reusedConnection: boolean) {
    super(message);
    this.code = code;
    this.responseStarted = responseStarted;
    this.reusedConnection = reusedConnection;
  }
}

/** What the connection needs from its pool. */
export interface ConnectionPool {
  release(connection: UpstreamConnection): void;
  forget(connection: UpstreamConnection): void;
}

export class UpstreamConnection implements ParserHandler {
  readonly socket: Socket;
  readonly #pool: ConnectionPool;
  readonly #parser: Http1Parser;
  #handler: ResponseHandler | undefined;
  #headRequest = false;
  #requestsServed = 0;
  #informational = false;
  #upgraded = false;
  #headReceived = false;
  #responseDone = false;
  #requestEnded = false;
  #keepAlive = false;
  #destroyed = false;
  /** Bytes the backend sent after a 101 head: the start of the tunnel. */
  #upgradeHead: Buffer | undefined;
  /** The handler told onReadStart in the read being parsed (it gets onReadEnd). */
  #readHandler: ResponseHandler | undefined;
  #eventsInRead = false;
  idleSince = 0;

  constructor(socket: Socket, pool: ConnectionPool, maxHeaderBytes: number) {
    this.socket = socket;
    this.#pool = pool;
    this.#parser = Http1Parser.acquire('response', this, maxHeaderBytes);
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => {}); // 'close' follows and reports it
    socket.on('close', () => this.#onClose());
    socket.on('drain', () => this.#handler?.onUpstreamDrain());
    // A connected TCP socket always has a stream handle; without one it is unusable.
    if (!this.#parser.consume(socket, (result) => this.#onRead(result))) this.destroy();
  }

  /** The connection carried earlier requests (it came from the idle pool). */
  get reused(): boolean {
    return this.#requestsServed > 0;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Starts a request: writes its head (and the first body bytes, if given). */
  start(handler: ResponseHandler, method: string, head: string): void {
    this.#handler = handler;
    this.#headRequest = method === 'HEAD';
    this.#headReceived = false;
    this.#responseDone = false;
    this.#requestEnded = false;
    this.#keepAlive = false;
    this.socket.write(head, 'latin1'); // a byte string, like every head
  }

  /** Writes request body bytes, chunk-framed when `chunked`; false means wait for onUpstreamDrain. */
  write(chunk: Buffer, chunked: boolean): boolean {
    if (this.#destroyed || chunk.length === 0) return true;
    if (!chunked) return this.socket.write(chunk);
    this.socket.cork();
    this.socket.write(chunkSizeLine(chunk.length));
    this.socket.write(chunk);
    const ok = this.socket.write(CHUNK_END);
    this.socket.uncork();
    return ok;
  }

  /** The request body is complete. */
  end(chunked: boolean): void {
    if (this.#destroyed) return;
    if (chunked) this.socket.write(lastChunk([]));
    this.#requestEnded = true;
  }

  pause(): void {
    stopReading(this.socket);
  }

  resume(): void {
    startReading(this.socket);
  }

  /**
   * The exchange is over: back to the pool when both messages completed and
   * the backend keeps the connection alive, otherwise closed.
   */
  finish(): void {
    const reusable = this.#responseDone && this.#requestEnded && this.#keepAlive && !this.#destroyed;
    this.#handler = undefined;
    if (!reusable) {
      this.destroy();
      return;
    }
    this.#requestsServed++;
    // A slow client may have paused reading as the response ended; an idle
    // connection must read (to notice the backend closing it, and for the
    // next response), or the next request on it would hang.
    startReading(this.socket);
    this.#pool.release(this);
  }

  destroy(): void {
    this.#handler = undefined;
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.socket.destroy();
  }

  /** After a 101: the socket leaves HTTP, with the bytes the backend sent after the head. */
  takeSocket(): { socket: Socket; head: Buffer } {
    this.#handler = undefined;
    this.#destroyed = true; // no longer ours to pool
    const head = this.#upgradeHead ?? Buffer.alloc(0);
    this.#upgradeHead = undefined;
    // The socket's own stream reads from here on (see ServerConnection.detachForUpgrade).
    this.#parser.release();
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('drain');
    this.socket.removeAllListeners('close');
    this.#pool.forget(this);
    startReading(this.socket);
    return { socket: this.socket, head };
  }

  // ------------------------------------------------------------ parser events

  onHead(head: MessageHead): number {
    const handler = this.#handler;
    if (handler === undefined) {
      // A response nobody asked for: the backend is not speaking HTTP/1.1 to us.
      this.destroy();
      return PAUSE;
    }
    this.#readStarts(handler);
    if (head.status < 200 && head.status !== 101) {
      // 100 Continue (we answer Expect ourselves) and 103 Early Hints are dropped.
      this.#informational = true;
      return SKIP_BODY;
    }
    this.#headReceived = true;
    this.#keepAlive = head.keepAlive;
    if (head.status === 101) this.#upgraded = true;
    handler.onResponseHead(head);
    if (head.status === 101) return UPGRADE;
    return this.#headRequest || head.status === 304 ? SKIP_BODY : CONTINUE;
  }

  onBody(chunk: Buffer): void {
    const handler = this.#handler;
    if (handler === undefined) return;
    this.#readStarts(handler);
    handler.onResponseBody(chunk);
  }

  onMessageComplete(trailers: string[]): void {
    this.#eventsInRead = true;
    if (this.#upgraded) return; // the 101 head is the whole HTTP part
    if (this.#informational) {
      this.#informational = false;
      return;
    }
    this.#responseDone = true;
    this.#handler?.onResponseEnd(trailers);
  }

  // ------------------------------------------------------------ socket events

  /** The first event of a read: the handler may batch its writes to the client until #onRead ends the read. */
  #readStarts(handler: ResponseHandler): void {
    this.#eventsInRead = true;
    if (this.#readHandler !== undefined) return;
    this.#readHandler = handler;
    handler.onReadStart();
  }

  /** After llhttp parsed one read of the socket (its callbacks have run). */
  #onRead(result: ExecuteResult): void {
    const readHandler = this.#readHandler;
    this.#readHandler = undefined;
    const events = this.#eventsInRead;
    this.#eventsInRead = false;
    try {
      if (result.kind === 'error') {
        this.#fail('upstream_protocol_error', `invalid response from backend: ${result.error.code}`);
      } else if (this.#upgraded && this.#handler !== undefined) {
        // llhttp stops right after a 101 head: the rest of the read is the start of the tunnel.
        const read = this.#parser.currentRead();
        if (result.consumed < read.length) this.#upgradeHead = read.subarray(result.consumed);
        this.#handler.onUpgrade();
      } else if (!events && this.#handler === undefined) {
        // Bytes on an idle connection that are not (yet) a response: not HTTP/1.1 to us.
        this.destroy();
      }
    } finally {
      readHandler?.onReadEnd();
    }
  }

  #onEnd(): void {
    if (this.#handler !== undefined && !this.#responseDone) {
      const error = this.#parser.finish(); // completes a response delimited by the connection's end
      if (error !== undefined) this.#fail('upstream_reset', 'backend closed the connection mid-response');
      else if (!this.#responseDone) this.#fail('upstream_reset', 'backend closed the connection before responding');
    }
    this.destroy();
  }

  #onClose(): void {
    this.#destroyed = true;
    this.#parser.release();
    this.#pool.forget(this);
    if (this.#handler !== undefined && !this.#responseDone) {
      this.#fail('upstream_reset', 'backend connection reset');
    }
  }

  #fail(code: UpstreamErrorCode, message: string): void {
    const handler = this.#handler;
    this.#handler = undefined;
    this.destroy();
    handler?.onUpstreamError(new UpstreamError(code, message, this.#headReceived, this.#requestsServed > 0));
  }
}
