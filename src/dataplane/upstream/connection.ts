// One HTTP/1.1 connection to a backend endpoint: writes a request, reads the
// response into memory it manages (read-buffers.ts), parses it
// (response-reader.ts) and hands it to the exchange that owns the connection
// for that request. Between requests it sits idle in its pool.
import { connect } from 'node:net';
import type { NetConnectOpts, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CONTINUE, PAUSE, SKIP_BODY, UPGRADE } from '../http1/parser.ts';
import type { MessageHead } from '../http1/parser.ts';
import { CHUNK_END, chunkSizeLine, lastChunk } from '../http1/head.ts';
import { startReading, stopReading } from '../http1/stream-handle.ts';
import { SMALL_READ_BYTES, giveBackBigReadBuffer, takeBigReadBuffer } from './read-buffers.ts';
import { ResponseReader } from './response-reader.ts';
import type { ResponseEvents } from './response-reader.ts';

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
   * onReadEnd returns true while body chunks of that read are still queued
   * for the client (their memory must then not be read into again).
   */
  onReadStart(): void;
  onReadEnd(): boolean;
}

export type UpstreamErrorCode = 'upstream_reset' | 'upstream_protocol_error' | 'upgrade_failed';

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

/**
 * One request's way to a backend, as the exchange drives it: an HTTP/1.1
 * connection (this file) or a stream on a pooled HTTP/2 session (h2-stream.ts).
 */
export interface BackendStream {
  /** Earlier requests went this way (a failure may be the backend closing an idle connection). */
  readonly reused: boolean;
  readonly destroyed: boolean;
  /** Request bytes written but not sent yet. */
  readonly queuedBytes: number;
  /** Starts the request: `head` is the HTTP/1.1 request head (a byte string). */
  start(handler: ResponseHandler, method: string, head: string): void;
  write(chunk: Buffer, chunked: boolean): boolean;
  end(chunked: boolean): void;
  pause(): void;
  resume(): void;
  /** The response ended: give the way back (pool it or close it). */
  finish(): void;
  destroy(): void;
  /** After a 101 (an h2c backend's extended CONNECT 2xx is handed on as one): the backend end of the tunnel; abort, when given, tears it down instead of destroy(). */
  takeSocket(): { socket: Duplex; head: Buffer; relayTo(destination: Duplex): void; abort?(): void };
}

export class UpstreamConnection implements ResponseEvents, BackendStream {
  readonly socket: Socket;
  readonly #pool: ConnectionPool;
  readonly #reader: ResponseReader;
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
  /** What this connection reads into (read-buffers.ts); undefined once a client kept it. */
  #buffer: Buffer | undefined;
  /** Reads of a big body land here. */
  #bigBuffer: Buffer | undefined;
  /** The last read filled its buffer: more is waiting. */
  #readFilled = false;
  /** The handler told onReadStart in the read being handled (it gets onReadEnd). */
  #readHandler: ResponseHandler | undefined;
  /** After a 101: where what the backend sends goes. */
  #tunnel: Duplex | undefined;
  idleSince = 0;

  /**
   * Opens a connection (the pool waits for its socket's 'connect', or
   * 'secureConnect' when `dial` opens a TLS connection: tls-dialer.ts).
   */
  constructor(pool: ConnectionPool, host: string, port: number, maxHeaderBytes: number, dial: (options: NetConnectOpts) => Socket = connect) {
    this.#pool = pool;
    this.#reader = new ResponseReader(this, maxHeaderBytes);
    // Half-open allowed: a tunnel (after a 101) may keep sending after the backend ends its side.
    // Reads land in memory this connection manages (read-buffers.ts), not a new Buffer each.
    this.socket = dial({
      host, port, noDelay: true, allowHalfOpen: true,
      onread: {
        buffer: () => this.#nextReadBuffer(),
        callback: (bytes: number, buffer: Uint8Array) => {
          this.#onRead(bytes, buffer as Buffer);
          return true; // reading is paused by pause(), not here
        },
      },
    });
    this.socket.on('end', () => this.#onEnd());
    this.socket.on('error', () => {}); // 'close' follows and reports it
    this.socket.on('close', () => this.#onClose());
    this.socket.on('drain', () => this.#handler?.onUpstreamDrain());
  }

  /** The connection carried earlier requests (it came from the idle pool). */
  get reused(): boolean {
    return this.#requestsServed > 0;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /** Starts a request: writes its head. */
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

  /**
   * After a 101: the socket leaves HTTP, with the bytes the backend sent
   * after the head; relayTo() then sends what the backend sends to the
   * client (with backpressure), ending it when the backend ends.
   */
  takeSocket(): { socket: Socket; head: Buffer; relayTo(destination: Duplex): void } {
    this.#handler = undefined;
    this.#destroyed = true; // no longer ours to pool
    const head = this.#upgradeHead ?? Buffer.alloc(0);
    this.#upgradeHead = undefined;
    this.#reader.release();
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('drain');
    this.socket.removeAllListeners('close');
    this.#pool.forget(this);
    return {
      socket: this.socket,
      head,
      relayTo: (destination) => {
        this.#tunnel = destination;
        destination.on('drain', () => startReading(this.socket));
        this.socket.on('end', () => destination.end());
        startReading(this.socket);
      },
    };
  }

  // ------------------------------------------------------------ response events

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
    if (this.#upgraded) return; // the 101 head is the whole HTTP part
    if (this.#informational) {
      this.#informational = false;
      return;
    }
    this.#responseDone = true;
    this.#handler?.onResponseEnd(trailers);
  }

  // ------------------------------------------------------------ socket events

  /** The first event of a read: the handler may batch its writes to the client until the read is handled. */
  #readStarts(handler: ResponseHandler): void {
    if (this.#readHandler !== undefined) return;
    this.#readHandler = handler;
    handler.onReadStart();
  }

  #onRead(bytes: number, buffer: Buffer): void {
    if (this.#tunnel !== undefined) {
      // The buffer is read into again: the tunnel gets a copy.
      if (!this.#tunnel.write(Buffer.from(buffer.subarray(0, bytes)))) stopReading(this.socket);
      return;
    }
    if (this.#handler === undefined) {
      // Bytes on an idle connection: the backend is not speaking HTTP/1.1 to us.
      this.destroy();
      return;
    }
    this.#readFilled = bytes === buffer.length;
    const data = buffer.subarray(0, bytes);
    let held = false;
    try {
      const result = this.#reader.read(data);
      if (result.kind === 'error') {
        this.#fail('upstream_protocol_error', `invalid response from backend: ${result.error.code}`);
      } else if (result.kind === 'upgrade' && this.#handler !== undefined) {
        // The rest of the read is the start of the tunnel (copied: the buffer is read into again).
        this.#upgradeHead = Buffer.from(data.subarray(result.at));
        this.#handler.onUpgrade();
      }
    } finally {
      const readHandler = this.#readHandler;
      this.#readHandler = undefined;
      if (readHandler !== undefined) held = readHandler.onReadEnd();
    }
    // A client still holding body chunks of this read holds the buffer too: let it keep it.
    if (held) {
      if (buffer === this.#buffer) this.#buffer = undefined;
      else if (buffer === this.#bigBuffer) this.#bigBuffer = undefined;
    }
  }

  /** Called by net.Socket when it starts reading and after every read: the memory of the next read. */
  #nextReadBuffer(): Buffer {
    const busy = this.#handler !== undefined && !this.#destroyed;
    if (busy && (this.#bigBuffer !== undefined || this.#readFilled)) return (this.#bigBuffer ??= takeBigReadBuffer());
    if (this.#bigBuffer !== undefined) {
      giveBackBigReadBuffer(this.#bigBuffer);
      this.#bigBuffer = undefined;
    }
    return (this.#buffer ??= Buffer.allocUnsafeSlow(SMALL_READ_BYTES));
  }

  #onEnd(): void {
    if (this.#handler !== undefined && !this.#responseDone) {
      const error = this.#reader.finish(); // completes a response delimited by the connection's end
      if (error !== undefined) this.#fail('upstream_reset', 'backend closed the connection mid-response');
      else if (!this.#responseDone) this.#fail('upstream_reset', 'backend closed the connection before responding');
    }
    this.destroy();
  }

  #onClose(): void {
    this.#destroyed = true;
    this.#reader.release();
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
