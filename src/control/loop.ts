// The control loop: resource snapshots in, translate(), IR applied to the data
// plane, statuses kept for /status and `check`. Snapshots that arrive while one
// is being applied are coalesced: only the newest is translated next. A
// configuration the data plane refuses (a port that cannot be bound) leaves the
// last good one serving.
//
// It keeps one Translator for its whole life, so each snapshot costs what it
// changed (see translate/translator.ts); the result is the same as a fresh
// translate() of the snapshot. Each reload logs what changed, how many
// statuses it wrote, and how long translating and applying took.
//
// Right after the first load it translates that snapshot once more, with the
// statuses it just wrote attached (as the next snapshot will have them), when
// nothing newer is waiting. That run changes nothing, but it is the one that
// gives all objects their status copies and runs the incremental paths the
// first time: done then, off the request path, instead of inside the first
// real change (at 40,000 routes, a few hundred milliseconds of it).
import { performance } from 'node:perf_hooks';
import type { IR } from '../ir/types.ts';
import type { Diagnostic } from '../load/diagnostics.ts';
import { formatDiagnostic } from '../load/diagnostics.ts';
import type { Snapshot } from '../providers/file/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { createTranslator } from '../translate/index.ts';
import type { StatusUpdate, Translator } from '../translate/index.ts';
import { summarizeChange } from './summary.ts';
import { StatusStore } from './status-store.ts';

export const CONTROLLER_NAME = 'portico.dev/gateway-controller';

/** The part of the data plane the loop drives (DataPlane in production). */
export interface ConfigSink {
  apply(ir: IR): Promise<unknown>;
}

export interface ControlLoopOptions {
  sink: ConfigSink;
  logger: Logger;
  clock?: () => Date;
}

export interface ControlState {
  /** The snapshot version currently serving, or 0 before the first success. */
  version: number;
  ir: IR | undefined;
  statuses: StatusUpdate[];
  diagnostics: Diagnostic[];
  /** Set when the newest snapshot could not be applied (the previous one keeps serving). */
  lastError: string | undefined;
}

export class ControlLoop {
  readonly #sink: ConfigSink;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  readonly #statuses = new StatusStore();
  readonly #translator: Translator = createTranslator();
  #state: ControlState = { version: 0, ir: undefined, statuses: [], diagnostics: [], lastError: undefined };
  #pending: Snapshot | undefined;
  #running: Promise<void> | undefined;
  #previousIR: IR | undefined;

  constructor(options: ControlLoopOptions) {
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
  }

  get state(): ControlState {
    return this.#state;
  }

  /** Queues a snapshot; resolves once it (or a newer one) has been handled. */
  submit(snapshot: Snapshot): Promise<void> {
    this.#pending = snapshot;
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#pending) {
      const snapshot = this.#pending;
      this.#pending = undefined;
      const first = this.#state.version === 0;
      await this.#handle(snapshot);
      if (first && this.#pending === undefined && this.#state.version === snapshot.version) await this.#handle(snapshot, true);
    }
  }

  /** `settling`: the first snapshot again (see the top of this file); logged at debug level only. */
  async #handle(snapshot: Snapshot, settling = false): Promise<void> {
    for (const diagnostic of settling ? [] : snapshot.diagnostics) {
      const fields = { file: diagnostic.file, line: diagnostic.line };
      if (diagnostic.severity === 'error') this.#logger.error(fields, formatDiagnostic(diagnostic));
      else this.#logger.warn(fields, formatDiagnostic(diagnostic));
    }
    const started = performance.now();
    const result = this.#translator.translate(this.#statuses.attachTo(snapshot.resources), {
      controllerName: CONTROLLER_NAME,
      now: this.#clock().toISOString(),
    });
    const translateMs = performance.now() - started;
    try {
      // A settling run gives the very IR back unless something differs; only then is there anything to apply.
      if (!settling || !sameGateways(result.ir, this.#state.ir)) await this.#sink.apply(result.ir);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#state = { ...this.#state, lastError: message, diagnostics: snapshot.diagnostics };
      this.#logger.error({ version: snapshot.version, err: message }, 'configuration not applied; the previous one keeps serving');
      return;
    }
    const applyMs = performance.now() - started - translateMs;
    if (settling) {
      const writes = this.#statuses.replace(result.statuses);
      this.#previousIR = result.ir;
      this.#state = { ...this.#state, ir: result.ir, statuses: result.statuses };
      this.#logger.debug({ version: snapshot.version, statusesWritten: writes.written, translateMs: round(translateMs), applyMs: round(applyMs) }, 'first configuration settled');
      return;
    }
    const writes = this.#statuses.replace(result.statuses);
    const change = summarizeChange(this.#previousIR, result.ir);
    this.#previousIR = result.ir;
    this.#state = {
      version: snapshot.version,
      ir: result.ir,
      statuses: result.statuses,
      diagnostics: snapshot.diagnostics,
      lastError: undefined,
    };
    this.#logger.info(
      {
        version: snapshot.version,
        files: snapshot.changedFiles,
        ...change,
        statusesWritten: writes.written,
        ...(writes.cleared > 0 ? { statusesCleared: writes.cleared } : {}),
        ...(writes.written > 0 ? { statusWrites: writes.keys } : {}),
        errors: snapshot.diagnostics.filter((d) => d.severity === 'error').length,
        translateMs: round(translateMs),
        applyMs: round(applyMs),
      },
      snapshot.version === 1 ? 'configuration loaded' : 'configuration reloaded',
    );
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The same Gateway IR objects in the same order (the Translator keeps an unchanged Gateway's object). */
function sameGateways(a: IR, b: IR | undefined): boolean {
  return b !== undefined && a.gateways.length === b.gateways.length && a.gateways.every((gateway, i) => gateway === b.gateways[i]);
}
