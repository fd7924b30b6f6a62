// A coarse clock and a periodic sweep, shared by every connection and pool of
// a data plane. Connections store timestamps from `now` and the sweep checks
// their deadlines, so the keep-alive fast path arms and clears no timer per
// request. Deadlines are honoured to within one sweep interval.

export interface Sweepable {
  sweep(now: number): void;
}

export class Clock {
  /** Milliseconds (Date.now()), refreshed at every sweep. */
  now = Date.now();
  /** The current time as an HTTP date (RFC 9110 §5.6.7), refreshed at most once a second. */
  httpDate = new Date(this.now).toUTCString();
  readonly #items = new Set<Sweepable>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #dateSecond = Math.floor(this.now / 1000);

  /** `intervalMs`: how often deadlines are checked; keep it a fraction of the smallest timeout. */
  constructor(intervalMs: number) {
    this.#intervalMs = Math.max(10, Math.floor(intervalMs));
  }

  add(item: Sweepable): void {
    this.#items.add(item);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  delete(item: Sweepable): void {
    this.#items.delete(item);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.now = Date.now();
    const second = Math.floor(this.now / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.httpDate = new Date(this.now).toUTCString();
    }
    for (const item of this.#items) item.sweep(this.now);
  }
}

/** A sweep interval that checks each deadline at least four times over its span. */
export function sweepIntervalFor(timeoutsMs: readonly number[]): number {
  const positive = timeoutsMs.filter((ms) => ms > 0);
  const smallest = positive.length === 0 ? 4000 : Math.min(...positive);
  return Math.min(1000, Math.max(10, smallest / 4));
}
