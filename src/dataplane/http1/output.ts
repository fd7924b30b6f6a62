// What a client connection writes, with batching. Everything written here is
// a byte string (one char per byte, written as latin1) or a Buffer. While a
// batch is open (the engine relays one backend read), the head and small body
// chunks are gathered into one string and leave in one write: one syscall, no
// writev, no Buffer. Once a big chunk comes, the socket is corked instead and
// the rest of the batch goes out as one writev.
import type { Socket } from 'node:net';

/**
 * Bytes gathered into one string before switching to a corked writev: small
 * answers leave in one plain write, bigger bodies are not copied into strings
 * (that would only feed the garbage collector).
 */
const GATHER_LIMIT = 4 * 1024;

export class Output {
  readonly #socket: Socket;
  #pending = '';
  /** Open batches (a local answer may be written inside a relayed read's batch). */
  #batches = 0;
  #corked = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Holds writes until end(), to send them in one go. */
  begin(): void {
    this.#batches++;
  }

  /**
   * Sends what the batch held; false when that much is still queued that the
   * writer should wait for 'drain'. (Not the stream's needDrain: a write of a
   * whole high-water mark sets it even when the kernel took every byte at once.)
   */
  end(): boolean {
    if (this.#batches > 0 && --this.#batches === 0) this.flush();
    return this.#socket.writableLength < this.#socket.writableHighWaterMark;
  }

  /** Sends what is held now; the batch (if any) goes on. */
  flush(): void {
    if (this.#pending !== '') {
      this.#socket.write(this.#pending, 'latin1');
      this.#pending = '';
    }
    if (this.#corked) {
      this.#corked = false;
      this.#socket.uncork();
    }
  }

  /** Writes a byte string; false when the socket's buffer is full. */
  string(bytes: string): boolean {
    if (this.#batches > 0 && !this.#corked) {
      if (this.#pending.length + bytes.length <= GATHER_LIMIT) {
        this.#pending += bytes;
        return true;
      }
      this.#cork();
    }
    return this.#socket.write(bytes, 'latin1');
  }

  /** Writes a chunk (the caller must not change it afterwards); false when the socket's buffer is full. */
  buffer(chunk: Buffer): boolean {
    if (this.#batches > 0 && !this.#corked) {
      if (this.#pending.length + chunk.length <= GATHER_LIMIT) {
        this.#pending += chunk.toString('latin1');
        return true;
      }
      this.#cork();
    }
    return this.#socket.write(chunk);
  }

  #cork(): void {
    this.#socket.cork();
    this.#corked = true;
    if (this.#pending !== '') {
      this.#socket.write(this.#pending, 'latin1');
      this.#pending = '';
    }
  }
}
