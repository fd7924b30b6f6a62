// Carries bytes both ways between a client connection and its backend
// connection, as a TCP proxy must:
// - backpressure: a side that cannot take more pauses the other's reading
//   until it drains, so a fast sender never fills memory;
// - half-close: a FIN from one side ends only that direction (end() on the
//   other side); the other direction keeps flowing until it ends too;
// - errors: a reset on one side resets the other (a clean close would tell
//   the peer all its data arrived when it did not); any other error closes both;
// - idle: no byte in either direction for idleTimeoutMs closes both, checked
//   by the data plane's shared sweep (no timer per connection).
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Clock, Sweepable } from '../http1/clock.ts';

export interface RelayOptions {
  clock: Clock;
  /** 0: no idle limit. */
  idleTimeoutMs: number;
  /** Called once, when both sockets are closed. */
  onClose(relay: Relay): void;
}

export type RelayEnd = 'done' | 'idle' | 'client_error' | 'upstream_error' | 'aborted';

export class Relay implements Sweepable {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Bytes from the client to the backend, and back. */
  bytesUp = 0;
  bytesDown = 0;
  /** Why it ended (set when it starts to end). */
  end: RelayEnd | undefined;
  readonly #options: RelayOptions;
  #lastActive: number;
  #open = 2;

  constructor(client: Socket, upstream: Socket, options: RelayOptions) {
    this.client = client;
    this.upstream = upstream;
    this.#options = options;
    this.#lastActive = options.clock.now;
    this.#pump(client, upstream, true);
    this.#pump(upstream, client, false);
    if (options.idleTimeoutMs > 0) options.clock.add(this);
  }

  sweep(now: number): void {
    if (now - this.#lastActive >= this.#options.idleTimeoutMs) this.#closeBoth('idle');
  }

  /** Closes both sides now (drain deadline, shutdown). */
  destroy(): void {
    this.#closeBoth('aborted');
  }

  #pump(from: Socket, to: Socket, up: boolean): void {
    from.on('data', (chunk: Buffer) => {
      this.#lastActive = this.#options.clock.now;
      if (up) this.bytesUp += chunk.length;
      else this.bytesDown += chunk.length;
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => from.resume());
    from.on('end', () => to.end());
    from.on('error', (error: NodeJS.ErrnoException) => {
      this.end ??= up ? 'client_error' : 'upstream_error';
      if (error.code === 'ECONNRESET') reset(to);
      else to.destroy();
    });
    from.on('close', () => {
      // Closed without its FIN (destroyed, or reset): the stream is broken,
      // so the other side must not wait for more.
      if (!from.readableEnded && !to.destroyed) {
        this.end ??= up ? 'client_error' : 'upstream_error';
        to.destroy();
      }
      if (--this.#open === 0) this.#finished();
    });
    if (from.isPaused()) from.resume();
  }

  #closeBoth(why: RelayEnd): void {
    this.end ??= why;
    this.client.destroy();
    this.upstream.destroy();
  }

  #finished(): void {
    this.end ??= 'done';
    this.#options.clock.delete(this);
    this.#options.onClose(this);
  }
}

/** Sends a TCP RST where the socket allows it (a plain TCP socket); otherwise closes it. */
export function reset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket instanceof TLSSocket) socket.destroy();
  else socket.resetAndDestroy();
}
