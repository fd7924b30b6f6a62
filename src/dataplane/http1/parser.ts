// The one place that touches Node's internal llhttp binding. Everything else
// sees `Http1Parser`, so the binding could be swapped (e.g. for undici's llhttp
// wasm build) without touching the engine. The binding is strict: no lenient
// flags, so llhttp itself rejects the request smuggling vectors (duplicate or
// conflicting Content-Length, Transfer-Encoding with Content-Length, bad chunk
// framing, bare LF, obs-fold, whitespace before ':').
//
// A parser can also read a socket itself (`consume`), as Node's own HTTP
// server does: llhttp then parses straight from one shared read buffer in
// C++, with no Buffer allocated per read and no stream layer in between.
// Parsers are kept for reuse when their connection closes (Node's FreeList
// pattern): a new connection resets one instead of building a native parser.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { streamHandle } from './stream-handle.ts';

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(data: Buffer): number | NativeError;
  finish(): NativeError | undefined;
  resume(): void;
  close(): void;
  consume(handle: object): void;
  unconsume(): void;
  /** Inside an onRead callback: a copy of the bytes of that read. */
  getCurrentBuffer(): Buffer;
  [key: number]: unknown;
}

interface NativeError extends Error {
  code: string;
  reason?: string;
  bytesParsed?: number;
}

interface NativeParserClass {
  new (): NativeParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
  kLenientNone: number;
}

const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: NativeParserClass };

/** Return from onHead: go on parsing (the body, then the next message). */
export const CONTINUE = 0;
/** Return from onHead (responses): the message has no body (HEAD, 304, 1xx). */
export const SKIP_BODY = 1;
/** Return from onHead (responses): no body, and the connection is upgraded (101). */
export const UPGRADE = 2;
/** Return from onHead: stop right after this head; `execute` returns a `paused` result. */
export const PAUSE = 21; // llhttp's HPE_PAUSED

/**
 * llhttp's method numbers (its `llhttp_method` enum, stable across versions),
 * for the methods an HTTP (not RTSP) request parser accepts.
 */
const METHODS: readonly string[] = (() => {
  const names = [
    'DELETE', 'GET', 'HEAD', 'POST', 'PUT', 'CONNECT', 'OPTIONS', 'TRACE', 'COPY', 'LOCK', 'MKCOL', 'MOVE',
    'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'BIND', 'REBIND', 'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY',
    'CHECKOUT', 'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PATCH', 'PURGE', 'MKCALENDAR',
    'LINK', 'UNLINK', 'SOURCE', 'PRI',
  ];
  names[46] = 'QUERY';
  return names;
})();

export interface MessageHead {
  versionMajor: number;
  versionMinor: number;
  /** Raw flat header list [name, value, ...] in received order. */
  headers: string[];
  /** Requests: the method name. Responses: ''. */
  method: string;
  /** Requests: the request target as received. Responses: ''. */
  target: string;
  /** Responses: status code and reason phrase. Requests: 0 and ''. */
  status: number;
  statusMessage: string;
  /** Upgrade requested (requests) or accepted (responses), or CONNECT. */
  upgrade: boolean;
  /** llhttp's keep-alive verdict from the version and Connection header. */
  keepAlive: boolean;
}

export interface ParserHandler {
  /** Returns CONTINUE, SKIP_BODY, UPGRADE or PAUSE. */
  onHead(head: MessageHead): number;
  onBody(chunk: Buffer): void;
  /** `trailers`: the trailer section of a chunked message, as a flat list (usually empty). */
  onMessageComplete(trailers: string[]): void;
}

export interface ParseError {
  /** llhttp's code, e.g. HPE_INVALID_CONTENT_LENGTH, HPE_HEADER_OVERFLOW. */
  code: string;
  reason: string;
}

/** What one `execute` call did. */
export type ExecuteResult =
  | { kind: 'ok'; consumed: number }
  /** onHead returned PAUSE; bytes from `consumed` on are not parsed yet. */
  | { kind: 'paused'; consumed: number }
  /** `consumed`: bytes of the read parsed before the error (for HPE_PAUSED_H2_UPGRADE: up to the preface's end). */
  | { kind: 'error'; error: ParseError; consumed: number };

const EMPTY: string[] = [];

/** Parsers kept per kind for reuse (as many as Node's HTTP modules keep). */
const KEPT_PARSERS = 1000;
const kept: { request: Http1Parser[]; response: Http1Parser[] } = { request: [], response: [] };

export class Http1Parser {
  readonly #native: NativeParser;
  readonly #kind: 'request' | 'response';
  #handler: ParserHandler;
  /** Headers and target flushed early (a head split over many packets or over 32 headers). */
  #pendingHeaders: string[] = [];
  #pendingTarget = '';
  #headSeen = false;
  #released = false;
  #consumed = false;
  /** llhttp frames on the stack (execute, finish, or a callback of a read it does itself). */
  #depth = 0;

  /** A parser for a new connection: a kept one, reset, or a new one. */
  static acquire(kind: 'request' | 'response', handler: ParserHandler, maxHeaderSize: number): Http1Parser {
    const parser = kept[kind].pop();
    if (parser === undefined) return new Http1Parser(kind, handler, maxHeaderSize);
    parser.#reset(handler, maxHeaderSize);
    return parser;
  }

  constructor(kind: 'request' | 'response', handler: ParserHandler, maxHeaderSize: number) {
    this.#kind = kind;
    this.#handler = handler;
    const native = new HTTPParser();
    native.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, maxHeaderSize, HTTPParser.kLenientNone);
    native[HTTPParser.kOnHeaders] = (headers: string[], target: string) => this.#onHeaders(headers, target);
    native[HTTPParser.kOnHeadersComplete] = (
      versionMajor: number, versionMinor: number, headers: string[] | undefined, method: number | undefined,
      target: string | undefined, status: number | undefined, statusMessage: string | undefined,
      upgrade: boolean, keepAlive: boolean,
    ): number => {
      this.#depth++;
      this.#headSeen = true;
      let allHeaders = headers;
      if (allHeaders === undefined) {
        allHeaders = this.#pendingHeaders;
        this.#pendingHeaders = [];
      }
      let fullTarget = target;
      if (fullTarget === undefined) {
        fullTarget = this.#pendingTarget;
        this.#pendingTarget = '';
      }
      const verdict = this.#handler.onHead({
        versionMajor,
        versionMinor,
        headers: allHeaders,
        method: method === undefined ? '' : (METHODS[method] ?? ''),
        target: fullTarget,
        status: status ?? 0,
        statusMessage: statusMessage ?? '',
        upgrade,
        keepAlive,
      });
      this.#depth--;
      return verdict;
    };
    native[HTTPParser.kOnBody] = (chunk: Buffer) => {
      this.#depth++;
      this.#handler.onBody(chunk);
      this.#depth--;
    };
    native[HTTPParser.kOnMessageComplete] = () => {
      this.#depth++;
      this.#headSeen = false;
      let trailers = EMPTY;
      if (this.#pendingHeaders.length > 0) {
        trailers = this.#pendingHeaders;
        this.#pendingHeaders = [];
      }
      this.#handler.onMessageComplete(trailers);
      this.#depth--;
    };
    this.#native = native;
  }

  execute(data: Buffer): ExecuteResult {
    this.#depth++;
    let result: number | NativeError;
    try {
      result = this.#native.execute(data);
    } finally {
      this.#depth--;
    }
    return toResult(result);
  }

  /**
   * From now on llhttp reads `socket` itself; `onRead` follows each read's
   * callbacks with what that read did. Reading is then started and stopped
   * with startReading/stopReading, not socket.pause/resume. False when the
   * socket cannot be read this way (it has no stream handle).
   */
  consume(socket: Socket, onRead: (result: ExecuteResult) => void): boolean {
    const handle = streamHandle(socket);
    if (handle === undefined) return false;
    this.#native[HTTPParser.kOnExecute] = (result: number | NativeError) => {
      this.#depth++; // llhttp's read is still on the stack
      onRead(toResult(result));
      this.#depth--;
    };
    this.#native.consume(handle);
    this.#consumed = true;
    return true;
  }

  /** Hands reading back to the socket's stream (before the socket leaves HTTP). */
  unconsume(): void {
    if (!this.#consumed) return;
    this.#consumed = false;
    this.#native.unconsume();
  }

  /** Inside onRead: a copy of the bytes of that read (for the rest of a read llhttp stopped in). */
  currentRead(): Buffer {
    return this.#native.getCurrentBuffer();
  }

  /** The peer closed: completes a message delimited by the end of the connection, or reports a truncated one. */
  finish(): ParseError | undefined {
    this.#depth++;
    let result: NativeError | undefined;
    try {
      result = this.#native.finish();
    } finally {
      this.#depth--;
    }
    return result === undefined ? undefined : { code: result.code, reason: result.reason ?? result.message };
  }

  /** Continue after a PAUSE. */
  resume(): void {
    this.#native.resume();
  }

  /**
   * The connection is done with the parser: it is kept for reuse, or freed
   * when enough are kept. Safe to call more than once and from inside a
   * callback; the caller must not use it afterwards.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const consumed = this.#consumed;
    this.unconsume();
    // Resetting or freeing while llhttp is on the stack would pull the state
    // out from under it: then that waits until no I/O callback is running.
    // (A parser that read a socket may still have its read on the C++ stack
    // while ticks and microtasks run, so it is freed that way too.)
    const keep = kept[this.#kind].length < KEPT_PARSERS;
    if (this.#depth > 0) setImmediate(() => this.#keepOrFree(keep));
    else if (!keep && consumed) setImmediate(() => this.#native.close());
    else this.#keepOrFree(keep);
  }

  #keepOrFree(keep: boolean): void {
    if (keep) kept[this.#kind].push(this);
    else this.#native.close();
  }

  #reset(handler: ParserHandler, maxHeaderSize: number): void {
    this.#native.initialize(this.#kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, maxHeaderSize, HTTPParser.kLenientNone);
    this.#handler = handler;
    this.#pendingHeaders = [];
    this.#pendingTarget = '';
    this.#headSeen = false;
    this.#released = false;
    this.#consumed = false;
    this.#depth = 0;
  }

  #onHeaders(headers: string[], target: string): void {
    // Before the head completes these are flushed head lines; after it, trailers.
    for (const value of headers) this.#pendingHeaders.push(value);
    if (!this.#headSeen) this.#pendingTarget += target;
  }
}

function toResult(result: number | NativeError): ExecuteResult {
  if (typeof result === 'number') return { kind: 'ok', consumed: result };
  if (result.code === 'HPE_PAUSED') return { kind: 'paused', consumed: result.bytesParsed ?? 0 };
  return { kind: 'error', error: { code: result.code, reason: result.reason ?? result.message }, consumed: result.bytesParsed ?? 0 };
}
