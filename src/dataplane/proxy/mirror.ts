// RequestMirror: a fire-and-forget copy of a request to another backend. The
// copy gets the request body as it arrives, up to a cap; it never pauses the
// client, never delays or fails the real request, and its response is read
// and dropped. A mirror that falls behind (the cap is reached, its backend is
// slow to read, or it takes longer than its deadline) is abandoned.
import type { MessageHead } from '../http1/parser.ts';
import type { Backend } from '../upstream/backend.ts';
import type { BackendStream, ResponseHandler } from '../upstream/connection.ts';
import type { BackendPool } from '../upstream/pool.ts';

export interface MirrorOptions {
  method: string;
  head: string;
  chunked: boolean;
  /** The body had ended (or there is none) when the mirror started. */
  bodyEnded: boolean;
  maxBodyBytes: number;
  deadlineMs: number;
}

export class MirrorRequest implements ResponseHandler {
  readonly #options: MirrorOptions;
  #connection: BackendStream | undefined;
  #pending: Buffer[] | undefined = [];
  #bytes = 0;
  #bodyEnded: boolean;
  #done = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(backend: Backend, options: MirrorOptions) {
    this.#options = options;
    this.#bodyEnded = options.bodyEnded;
    if (options.deadlineMs > 0) {
      this.#timer = setTimeout(() => this.#abandon(), options.deadlineMs);
      this.#timer.unref();
    }
    const picked = backend.pick();
    if (typeof picked === 'object') {
      this.#connect(picked);
    } else if (picked !== undefined) {
      this.#abandon();
    } else {
      backend.resolve((failure, pool) => {
        if (failure !== undefined || pool === undefined) this.#abandon();
        else this.#connect(pool);
      });
    }
  }

  /** A request body chunk (the caller keeps ownership; chunks are not modified). */
  write(chunk: Buffer): void {
    if (this.#done) return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#options.maxBodyBytes) {
      this.#abandon();
      return;
    }
    const connection = this.#connection;
    if (connection === undefined) {
      this.#pending?.push(chunk);
      return;
    }
    connection.write(chunk, this.#options.chunked);
    // Never hold the client back for a mirror: a backlog over the cap ends the copy.
    if (connection.queuedBytes > this.#options.maxBodyBytes) this.#abandon();
  }

  end(): void {
    if (this.#done) return;
    this.#bodyEnded = true;
    this.#connection?.end(this.#options.chunked);
  }

  /** The real request failed or the client went away mid-body: the copy is incomplete. */
  cancel(): void {
    if (!this.#bodyEnded) this.#abandon();
  }

  #connect(pool: BackendPool): void {
    if (this.#done) return;
    const idle = pool.acquire();
    if (idle !== undefined) {
      this.#send(idle);
      return;
    }
    pool.connect((error, connection) => {
      if (error !== undefined || connection === undefined) this.#abandon();
      else if (this.#done) connection.destroy();
      else this.#send(connection);
    });
  }

  #send(connection: BackendStream): void {
    this.#connection = connection;
    connection.start(this, this.#options.method, this.#options.head);
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const chunk of pending) connection.write(chunk, this.#options.chunked);
    if (this.#bodyEnded) connection.end(this.#options.chunked);
  }

  #abandon(): void {
    if (this.#done) return;
    this.#finish();
    this.#connection?.destroy();
  }

  #finish(): void {
    this.#done = true;
    this.#pending = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  // ------------------------------------------------------------ response (dropped)

  onResponseHead(_head: MessageHead): void {}

  onResponseBody(_chunk: Buffer): void {}

  onResponseEnd(): void {
    const connection = this.#connection;
    this.#finish();
    connection?.finish();
  }

  onUpstreamError(): void {
    this.#finish();
  }

  onUpgrade(): void {
    this.#abandon();
  }

  onUpstreamDrain(): void {}

  onReadStart(): void {}

  onReadEnd(): boolean {
    return false; // the mirror's response is dropped: nothing of it is kept
  }
}
