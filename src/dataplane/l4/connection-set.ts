// The live connections of a stream port, so it can drain: wait until they end
// on their own, up to a deadline, then end the rest.

/** Destroyed sockets report 'close' within a turn or two of the event loop; this only bounds a surprise. */
const CLOSE_WAIT_MS = 1000;

export interface Closable {
  destroy(): void;
}

export class ConnectionSet<T extends Closable> {
  readonly #items = new Set<T>();
  #emptyWaiters: Array<() => void> = [];
  /** Past the drain deadline: whatever still arrives (a handshake that just finished) is destroyed. */
  #closed = false;

  get size(): number {
    return this.#items.size;
  }

  add(item: T): void {
    if (this.#closed) item.destroy();
    else this.#items.add(item);
  }

  delete(item: T): void {
    if (!this.#items.delete(item) || this.#items.size > 0 || this.#emptyWaiters.length === 0) return;
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /**
   * Waits until every connection has ended or `timeoutMs` has passed, then
   * destroys what is left and waits (briefly) for those to report closed.
   */
  async drain(timeoutMs: number): Promise<void> {
    await this.#whenEmpty(timeoutMs);
    this.#closed = true;
    for (const item of [...this.#items]) item.destroy();
    await this.#whenEmpty(CLOSE_WAIT_MS);
  }

  async #whenEmpty(timeoutMs: number): Promise<void> {
    if (this.#items.size === 0 || timeoutMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#emptyWaiters.push(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
  }
}
