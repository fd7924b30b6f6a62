// One worker position in the pool: the process in it now, its state, and its
// restarts. A worker that exits without being asked is forked again after a
// delay that doubles with each quick failure (100 ms up to 10 s), so a worker
// that cannot start is retried without spinning; one that served for a while
// before dying is restarted at once (100 ms).
import { fork } from 'node:child_process';
import { getCompileCacheDir } from 'node:module';
import type { ChildProcess } from 'node:child_process';
import type { IR } from '../ir/types.ts';
import type { Logger } from '../telemetry/log.ts';
import { MetricsState } from '../telemetry/metrics-state.ts';
import { WorkerChannel } from './channel.ts';
import type { ListeningAddress, WorkerSettings } from './protocol.ts';

const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 10_000;
/** A worker that lived this long before exiting was not failing to start: its restart backoff starts over. */
const STABLE_MS = 10_000;
/** How long a worker may take, beyond its drain timeout, to exit once asked to stop. */
const STOP_GRACE_MS = 5_000;

export type SlotState = 'starting' | 'syncing' | 'serving' | 'down' | 'stopped';

export interface SlotOptions {
  index: number;
  /** The worker module (worker-main.ts). */
  entry: string;
  execArgv: string[];
  settings: WorkerSettings;
  logger: Logger;
  /** The worker process is up and waits for its configuration. */
  onStarted(slot: WorkerSlot): void;
  /** The worker exited without being asked to (the slot restarts it); `metrics` holds its last known counts. */
  onExit(slot: WorkerSlot, reason: string, metrics: MetricsState): void;
}

export class WorkerSlot {
  readonly index: number;
  state: SlotState = 'down';
  /** The generation of the configuration this worker serves (0: none yet). */
  appliedGeneration = 0;
  /** The IR this worker process last took: the base of the delta it is sent next (none: it gets the whole IR). */
  holds: IR | undefined;
  listening: ListeningAddress[] = [];
  /** The current process's counts as of the last scrape (or its final ones). */
  metrics = new MetricsState();
  /** The next scrape asks for every series: a new process, or an answer went missing. */
  needFullMetrics = true;
  restarts = 0;
  readonly #options: SlotOptions;
  #child: ChildProcess | undefined;
  #channel: WorkerChannel | undefined;
  #startedAt = 0;
  #quickFailures = 0;
  #fatal: string | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopRequested = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: SlotOptions) {
    this.index = options.index;
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The live worker's channel, while there is one. */
  get channel(): WorkerChannel | undefined {
    return this.#channel;
  }

  spawn(): void {
    if (this.#stopRequested) return;
    const { entry, execArgv, settings } = this.#options;
    const child = fork(entry, [JSON.stringify(settings)], { execArgv, env: workerEnv(), serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child = child;
    this.#fatal = undefined;
    this.#startedAt = Date.now();
    this.appliedGeneration = 0;
    this.holds = undefined;
    this.metrics = new MetricsState();
    this.needFullMetrics = true;
    this.state = 'starting';
    this.#channel = new WorkerChannel(child, {
      started: () => {
        if (this.#child === child && this.state === 'starting') this.#options.onStarted(this);
      },
      fatal: (error) => (this.#fatal = error),
    });
    this.#exited = new Promise((resolve) => {
      let done = false;
      const exited = (reason: string): void => {
        if (done) return;
        done = true;
        this.#onExit(child, reason);
        resolve();
      };
      child.once('exit', (code, signal) => exited(signal === null ? `exit code ${code}` : `signal ${signal}`));
      // A process that could not be created at all emits 'error' and never 'exit'.
      child.once('error', (error) => {
        if (child.pid === undefined) exited(error.message);
      });
    });
  }

  /** Ends the worker at once (it could not take its configuration, or stopped answering); it is restarted. */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  /** Asks the worker to drain and exit; resolves once it has (killing it if it overstays). */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.#stopRequested = true;
    clearTimeout(this.#restartTimer);
    const channel = this.#channel;
    const child = this.#child;
    if (channel === undefined || child === undefined || this.state === 'down' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'starting') {
      // Not serving yet, and maybe not listening to its channel yet either.
      child.kill('SIGTERM');
      await this.#exited;
      return;
    }
    const deadline = setTimeout(() => child.kill('SIGKILL'), drainTimeoutMs + STOP_GRACE_MS);
    channel.call('stop', { drainTimeoutMs }, drainTimeoutMs + STOP_GRACE_MS).then(
      (update) => update !== undefined && this.metrics.apply(update),
      () => undefined, // it exits either way; the exit is what we wait for
    );
    await this.#exited;
    clearTimeout(deadline);
  }

  #onExit(child: ChildProcess, reason: string): void {
    if (this.#child !== child) return;
    this.#channel?.close(`worker ${this.index} exited (${reason})`);
    this.#channel = undefined;
    this.#child = undefined;
    this.listening = [];
    if (this.#stopRequested) {
      this.state = 'stopped';
      return;
    }
    const wasServing = this.state === 'serving';
    this.state = 'down';
    this.#options.onExit(this, this.#fatal ?? reason, this.metrics);
    this.metrics = new MetricsState();

    this.#quickFailures = Date.now() - this.#startedAt < STABLE_MS ? this.#quickFailures + 1 : 0;
    const delay = Math.min(RESTART_BASE_MS * 2 ** Math.max(0, this.#quickFailures - 1), RESTART_MAX_MS);
    const fields = { worker: this.index, pid: child.pid, reason: this.#fatal ?? reason, restartInMs: delay };
    if (wasServing) this.#options.logger.warn(fields, 'worker exited; restarting it');
    else this.#options.logger.error(fields, 'worker could not start; retrying');
    this.#restartTimer = setTimeout(() => {
      this.restarts++;
      this.spawn();
    }, delay);
  }
}

/** The primary's environment, plus its compile cache (bin/portico.js) if it has one and the user set none. */
function workerEnv(): NodeJS.ProcessEnv {
  const cache = getCompileCacheDir();
  return cache === undefined || process.env.NODE_COMPILE_CACHE !== undefined ? process.env : { ...process.env, NODE_COMPILE_CACHE: cache };
}
