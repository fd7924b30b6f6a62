// Parses the responses of one backend connection from the bytes it reads.
// llhttp (strict) parses every head; a body framed by Content-Length is then
// counted here and handed on as views of the read buffer, without llhttp
// copying it chunk by chunk. Chunked and close-delimited bodies, and heads
// split over reads, go through llhttp whole.
//
// The split is exact: llhttp is given a head alone only when it is at the
// start of a message, where the head ends at the first empty line.
import { CONTENT_LENGTH, headerKind } from '../http1/header-names.ts';
import { CONTINUE, Http1Parser, SKIP_BODY, UPGRADE } from '../http1/parser.ts';
import type { MessageHead, ParseError, ParserHandler } from '../http1/parser.ts';

export interface ResponseEvents {
  /** A head (1xx included): CONTINUE, SKIP_BODY (no body: HEAD, 304, 1xx) or UPGRADE (101), as for llhttp. */
  onHead(head: MessageHead): number;
  /** Body bytes; the chunk may be a view of the read buffer, valid while the read is handled. */
  onBody(chunk: Buffer): void;
  onMessageComplete(trailers: string[]): void;
}

export type ReadResult =
  | { kind: 'ok' }
  /** A 101 head ended at `at`: the bytes from there on belong to the tunnel. */
  | { kind: 'upgrade'; at: number }
  | { kind: 'error'; error: ParseError };

const HEAD_END = Buffer.from('\r\n\r\n');
const NO_TRAILERS: string[] = [];
const OK: ReadResult = { kind: 'ok' };

export class ResponseReader implements ParserHandler {
  readonly #events: ResponseEvents;
  readonly #parser: Http1Parser;
  /** llhttp is between messages: the next byte starts a head. */
  #atMessageStart = true;
  /** llhttp is being given a head alone (so a Content-Length body can be counted here). */
  #headOnly = false;
  /** Body bytes still to come, counted here (not by llhttp). */
  #bodyLeft = 0;
  #upgraded = false;

  constructor(events: ResponseEvents, maxHeaderBytes: number) {
    this.#events = events;
    this.#parser = Http1Parser.acquire('response', this, maxHeaderBytes);
  }

  /** Parses one read. */
  read(data: Buffer): ReadResult {
    let offset = 0;
    while (offset < data.length) {
      if (this.#bodyLeft > 0) {
        const size = Math.min(this.#bodyLeft, data.length - offset);
        const chunk = offset === 0 && size === data.length ? data : data.subarray(offset, offset + size);
        offset += size;
        this.#bodyLeft -= size;
        this.#events.onBody(chunk);
        if (this.#bodyLeft === 0) {
          this.#atMessageStart = true;
          this.#events.onMessageComplete(NO_TRAILERS);
        }
        continue;
      }
      const headEnd = this.#atMessageStart ? data.indexOf(HEAD_END, offset) : -1;
      const end = headEnd === -1 ? data.length : headEnd + HEAD_END.length;
      this.#headOnly = headEnd !== -1;
      this.#atMessageStart = false;
      const result = this.#parser.execute(offset === 0 && end === data.length ? data : data.subarray(offset, end));
      this.#headOnly = false;
      if (result.kind === 'error') return result;
      if (this.#upgraded) return { kind: 'upgrade', at: offset + result.consumed };
      if (result.kind === 'paused') return OK; // the connection refused a response it did not ask for
      offset = end;
    }
    return OK;
  }

  /** The backend closed: completes a close-delimited body, or reports a truncated response. */
  finish(): ParseError | undefined {
    if (this.#bodyLeft > 0) return { code: 'HPE_INVALID_EOF_STATE', reason: 'the connection ended inside a Content-Length body' };
    return this.#parser.finish();
  }

  release(): void {
    this.#parser.release();
  }

  // ------------------------------------------------------------ llhttp

  onHead(head: MessageHead): number {
    const verdict = this.#events.onHead(head);
    if (verdict === UPGRADE) this.#upgraded = true;
    if (verdict !== CONTINUE || !this.#headOnly || head.status === 204) return verdict;
    const length = contentLength(head.headers);
    if (length <= 0) return verdict;
    // llhttp ends the message here; the body is counted by read().
    this.#bodyLeft = length;
    return SKIP_BODY;
  }

  onBody(chunk: Buffer): void {
    this.#events.onBody(chunk);
  }

  onMessageComplete(trailers: string[]): void {
    if (this.#bodyLeft > 0) return; // the end of the head only: read() delivers the body
    this.#atMessageStart = true;
    this.#events.onMessageComplete(trailers);
  }
}

/** The Content-Length llhttp accepted (strict: one valid value), or -1. */
function contentLength(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) {
    if (headerKind(headers[i] as string) === CONTENT_LENGTH) {
      const length = Number(headers[i + 1]);
      return Number.isSafeInteger(length) ? length : -1;
    }
  }
  return -1;
}
