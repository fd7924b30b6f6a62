// The primary's end of one worker's IPC channel: calls with ids, answers
// matched back to them, a deadline per call, and every pending call rejected
// when the worker goes away.
import type { ChildProcess } from 'node:child_process';
import type { WorkerCall, WorkerMessage, WorkerResults } from './protocol.ts';

type CallName = WorkerCall['call'];
type CallArgs<K extends CallName> = Omit<Extract<WorkerCall, { call: K }>, 'id' | 'call'>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The worker answered the call with an error (as opposed to not answering at all). */
export class WorkerAnswerError extends Error {}

export interface ChannelEvents {
  started(): void;
  fatal(error: string): void;
}

export class WorkerChannel {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closedReason: string | undefined;

  constructor(child: ChildProcess, events: ChannelEvents) {
    this.#child = child;
    child.on('message', (message: WorkerMessage) => {
      if ('event' in message) {
        if (message.event === 'started') events.started();
        else events.fatal(message.error);
        return;
      }
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return; // answered after its deadline
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new WorkerAnswerError(message.error));
    });
  }

  call<K extends CallName>(name: K, args: CallArgs<K>, timeoutMs: number): Promise<WorkerResults[K]> {
    if (this.#closedReason !== undefined) return Promise.reject(new Error(this.#closedReason));
    const id = this.#nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ ...args, call: name, id }, (error) => {
        if (error === null) return;
        this.#settle(id, error);
      });
    });
  }

  /** The worker is gone: every call still waiting fails with `reason`. */
  close(reason: string): void {
    this.#closedReason = reason;
    for (const id of [...this.#pending.keys()]) this.#settle(id, new Error(reason));
  }

  #settle(id: number, error: Error): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
