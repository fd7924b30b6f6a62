// An open-loop HTTP/1.1 load generator: requests are scheduled at a fixed rate
// (request i at start + i/rate) whatever the proxy does, and each latency is
// counted from the scheduled time, not from when a connection was free to send
// it. A proxy that stalls therefore shows its whole queue in the percentiles
// (no "coordinated omission", as in wrk2). Requests go over a pool of keep-alive
// connections, one request in flight per connection; more connections open
// (up to a cap) when all are busy.
//
// Timers in Node have millisecond resolution, so sends leave in per-millisecond
// batches: that lateness is measured too (queued − scheduled) and reported, so a
// run in which the generator itself could not keep up is visible as such.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';

export interface OpenLoopOptions {
  port: number;
  host: string;
  /** Request paths, cycled in order. */
  paths: string[];
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Number the requests: each one's path gets `seq=<n>` in its query, n
   * counting sends from 0, and `counter.sent` follows along, so a backend can
   * tell whether a request left before or after a moment the caller noted.
   */
  counter?: { sent: number };
  /** Requests per second. */
  rate: number;
  /** How long to schedule requests; omit to run until `signal` aborts. */
  seconds?: number;
  /**
   * Run at the rate this long first without recording anything (default 0).
   * A fresh generator's first few hundred milliseconds (code not yet
   * optimized, connections still being added) delay requests by tens of
   * milliseconds; that is the generator starting, not the server's latency.
   */
  warmupSeconds?: number;
  signal?: AbortSignal;
  /** Connections opened up front (default 16) and at most (default 256). */
  connections?: number;
  maxConnections?: number;
  /** A request without a complete answer after this long counts as a timeout (default 2000 ms). */
  timeoutMs?: number;
}

export interface OpenLoopResult {
  /** Requests scheduled (the offered load), and requests/s offered and answered. */
  scheduled: number;
  offeredRate: number;
  completed: number;
  achievedRate: number;
  seconds: number;
  /** Answers with a 2xx or 3xx status: latency from the scheduled send time, in ms. */
  latencyMs: Percentiles;
  /**
   * How late the generator's own timer put each request in the send queue
   * (queued − scheduled, ms): the generator's lateness alone. Time a request
   * then waits for a free connection is the proxy's slowness and is part of
   * `latencyMs`, not of this.
   */
  lagMs: Percentiles;
  /** Answers that were not 2xx/3xx, and how many of each status. */
  badStatuses: number;
  statusCounts: Record<string, number>;
  /** Connections reset or closed with a request in flight, failed connects, and timeouts. */
  resets: number;
  closedEarly: number;
  connectErrors: number;
  timeouts: number;
  /** Scheduled but never sent before the end (the proxy or the generator fell behind). */
  unsent: number;
  connectionsOpened: number;
}

interface InFlight {
  scheduled: number;
  sent: number;
}

/** Grows as needed: latencies of a long run without a huge up-front allocation. */
class Samples {
  #values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.length++] = value;
  }

  view(): Float64Array {
    return this.#values.subarray(0, this.length);
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

/**
 * How many bytes of `buffer` one complete response takes, or 0 while
 * incomplete. Content-Length and chunked bodies (the chunked end marker is
 * enough for the fixed bodies the benches serve); a response without either
 * ends when the connection does (-1).
 */
export function responseLength(buffer: Buffer): { length: number; status: number } {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0) return { length: 0, status: 0 };
  const head = buffer.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const bodyStart = headEnd + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { length: bodyStart, status };
  const contentLength = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (contentLength) {
    const length = bodyStart + Number(contentLength[1]);
    return { length: buffer.length >= length ? length : 0, status };
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    const end = buffer.indexOf(CHUNKED_END, bodyStart - 2);
    return { length: end < 0 ? 0 : end + CHUNKED_END.length, status };
  }
  return { length: -1, status };
}

class Connection {
  readonly socket: Socket;
  readonly generator: Generator;
  inFlight: InFlight | undefined;
  ready = false;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(port: number, generator: Generator) {
    this.generator = generator;
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('connect', () => {
      this.ready = true;
      generator.connected(this);
    });
    this.socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => generator.failed(this, this.ready ? 'reset' : 'connect', error));
    this.socket.on('close', () => generator.failed(this, 'closed'));
  }

  send(request: Buffer, inFlight: InFlight): void {
    this.inFlight = inFlight;
    this.socket.write(request);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const { length, status } = responseLength(this.#buffer);
    if (length <= 0) return; // incomplete, or delimited by the close (counted there)
    this.#buffer = this.#buffer.length === length ? Buffer.alloc(0) : this.#buffer.subarray(length);
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    if (inFlight) this.generator.answered(this, inFlight, status);
  }
}

class Generator {
  readonly options: Required<Omit<OpenLoopOptions, 'seconds' | 'signal' | 'headers' | 'counter' | 'warmupSeconds'>>;
  /** Requests scheduled before this time are the warm-up: sent, but not counted or timed. */
  measureFrom = Number.NEGATIVE_INFINITY;
  readonly #requests: Buffer[];
  readonly #counter: { sent: number } | undefined;
  readonly #paths: string[];
  readonly #headerLines: string;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  /** Scheduled send times not yet sent (a queue as an array with a head index). */
  #queue: number[] = [];
  #queueHead = 0;
  #connecting = 0;
  #pathIndex = 0;
  readonly latencies = new Samples();
  readonly lags = new Samples();
  scheduled = 0;
  completed = 0;
  badStatuses = 0;
  readonly statusCounts: Record<string, number> = {};
  resets = 0;
  closedEarly = 0;
  connectErrors = 0;
  timeouts = 0;
  connectionsOpened = 0;
  #stopping = false;

  constructor(options: OpenLoopOptions) {
    this.options = { connections: 16, maxConnections: 256, timeoutMs: 2000, ...options };
    this.#headerLines = `Host: ${options.host}\r\n${Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('')}`;
    this.#paths = options.paths;
    this.#counter = options.counter;
    this.#requests = options.paths.map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\n${this.#headerLines}\r\n`, 'latin1'));
  }

  open(): void {
    this.#connecting++;
    this.connectionsOpened++;
    this.#all.add(new Connection(this.options.port, this));
  }

  get inFlight(): number {
    let count = 0;
    for (const connection of this.#all) if (connection.inFlight) count++;
    return count;
  }

  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  enqueue(times: number[], now: number): void {
    for (const time of times) {
      this.#queue.push(time);
      if (time < this.measureFrom) continue;
      this.lags.push(now - time);
      this.scheduled++;
    }
    this.dispatch();
  }

  connected(connection: Connection): void {
    this.#connecting--;
    this.idle(connection);
  }

  /** No connection is still connecting (each has connected or failed). */
  get settled(): boolean {
    return this.#connecting === 0;
  }

  idle(connection: Connection): void {
    this.#idle.push(connection);
    this.dispatch();
  }

  dispatch(): void {
    const now = performance.now();
    while (this.queued > 0) {
      const connection = this.#idle.pop();
      if (!connection) break;
      const scheduled = this.#queue[this.#queueHead++] as number;
      const request = this.#counter ? this.#numbered(this.#counter.sent++) : (this.#requests[this.#pathIndex] as Buffer);
      this.#pathIndex = (this.#pathIndex + 1) % this.#requests.length;
      connection.send(request, { scheduled, sent: now });
    }
    if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    // Everything busy and work waiting: one more connection, up to the cap.
    if (!this.#stopping && this.queued > this.#connecting && this.#all.size < this.options.maxConnections) this.open();
  }

  #numbered(sequence: number): Buffer {
    const path = this.#paths[this.#pathIndex] as string;
    return Buffer.from(`GET ${path}${path.includes('?') ? '&' : '?'}seq=${sequence} HTTP/1.1\r\n${this.#headerLines}\r\n`, 'latin1');
  }

  answered(connection: Connection, inFlight: InFlight, status: number): void {
    const measured = inFlight.scheduled >= this.measureFrom;
    if (measured) this.completed++;
    if (status >= 200 && status < 400) {
      if (measured) this.latencies.push(performance.now() - inFlight.scheduled);
    } else {
      this.badStatuses++;
      this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
    }
    this.idle(connection);
  }

  failed(connection: Connection, kind: 'reset' | 'connect' | 'closed', error?: NodeJS.ErrnoException): void {
    if (!this.#all.delete(connection)) return;
    const index = this.#idle.indexOf(connection);
    if (index >= 0) this.#idle.splice(index, 1);
    if (!connection.ready) this.#connecting--;
    connection.socket.destroy();
    if (kind === 'connect') this.connectErrors++;
    else if (connection.inFlight) {
      if (kind === 'reset' || error) this.resets++;
      else this.closedEarly++;
    }
    if (connection.inFlight) {
      // The request is lost; it is not retried (a retry would hide the failure).
      connection.inFlight = undefined;
    }
    if (!this.#stopping && this.#all.size < this.options.connections) this.open();
    this.dispatch();
  }

  #lastExpireCheck = performance.now();

  /**
   * Times out requests unanswered for `timeoutMs`. Not right after this
   * process itself was stalled (descheduled on a busy machine): timers run
   * before pending reads, so answers that arrived meanwhile would otherwise be
   * counted as timeouts.
   */
  expire(now: number, force = false): void {
    const stalled = now - this.#lastExpireCheck > 100;
    this.#lastExpireCheck = now;
    if (stalled && !force) return;
    for (const connection of this.#all) {
      if (connection.inFlight && now - connection.inFlight.sent > this.options.timeoutMs) {
        this.timeouts++;
        connection.inFlight = undefined;
        this.#all.delete(connection);
        connection.socket.destroy();
      }
    }
  }

  stop(): void {
    this.#stopping = true;
  }

  close(): void {
    for (const connection of this.#all) connection.socket.destroy();
    this.#all.clear();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.rate > 0)) throw new Error(`open-loop rate must be positive, got ${options.rate}`);
  if (options.paths.length === 0) throw new Error('open-loop needs at least one path');
  const generator = new Generator(options);
  for (let i = 0; i < generator.options.connections; i++) generator.open();
  // The schedule starts once the first connections are up: requests due while
  // connecting would queue and measure the handshake, not the proxy.
  for (const until = performance.now() + 2_000; !generator.settled && performance.now() < until;) await sleep(1);
  const interval = 1000 / options.rate;
  const start = performance.now();
  generator.measureFrom = start + (options.warmupSeconds ?? 0) * 1000;
  const end = options.seconds === undefined ? Number.POSITIVE_INFINITY : generator.measureFrom + options.seconds * 1000;
  let next = 0; // index of the next request to schedule
  // Schedule in per-tick batches: every request whose time has come.
  while (!options.signal?.aborted) {
    const now = performance.now();
    const until = Math.min(now, end);
    const due: number[] = [];
    for (let time = start + next * interval; time <= until; time = start + next * interval) {
      due.push(time);
      next++;
    }
    if (due.length > 0) generator.enqueue(due, now);
    generator.expire(now);
    if (now >= end) break;
    await sleep(1);
  }
  const scheduledFor = Math.max(0, Math.min(performance.now(), end) - generator.measureFrom) / 1000;
  generator.stop();
  // Let what is queued and in flight finish, within the request timeout.
  const drainDeadline = performance.now() + generator.options.timeoutMs;
  while ((generator.queued > 0 || generator.inFlight > 0) && performance.now() < drainDeadline) {
    generator.expire(performance.now());
    await sleep(2);
  }
  generator.expire(Number.POSITIVE_INFINITY, true);
  const unsent = generator.queued;
  generator.close();
  return {
    scheduled: generator.scheduled,
    offeredRate: generator.scheduled / scheduledFor,
    completed: generator.completed,
    achievedRate: generator.completed / scheduledFor,
    seconds: scheduledFor,
    latencyMs: percentiles(generator.latencies.view()),
    lagMs: percentiles(generator.lags.view()),
    badStatuses: generator.badStatuses,
    statusCounts: generator.statusCounts,
    resets: generator.resets,
    closedEarly: generator.closedEarly,
    connectErrors: generator.connectErrors,
    timeouts: generator.timeouts,
    unsent,
    connectionsOpened: generator.connectionsOpened,
  };
}
