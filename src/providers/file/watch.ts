// Change detection for the config folder: one fs.watch per folder, plus a
// periodic rescan so that no change is ever missed (watchers can drop events,
// hit inotify limits, or not exist on some file systems).
//
// Folders are watched one by one rather than with { recursive: true }: a
// folder's watch reports writes to every file in it, including files that an
// editor replaced by rename, whereas Linux's recursive watch follows the
// replaced file and goes quiet after an atomic save.
//
// A change is reported as soon as its events have settled: once no new event
// came for `settleMs` (a couple of milliseconds: one save makes several
// events within microseconds), and at the latest `maxWaitMs` after the first,
// so a steady stream of writes still gets reported. Longer bursts (an editor's
// save in steps, `git checkout`, `cp -r`) are coalesced by the provider, which
// holds a snapshot back while more events are arriving and gives changes that
// remove things (a file gone or emptied) time to be completed; see index.ts.
import type { FSWatcher } from 'node:fs';
import { watch } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../telemetry/log.ts';

export interface WatcherOptions {
  root: string;
  /** Quiet time that ends the events of one change. */
  settleMs: number;
  /** Longest wait from a first event to its report. */
  maxWaitMs: number;
  rescanIntervalMs: number;
  /** False: rely on the periodic rescan only. */
  useWatch: boolean;
  logger: Logger;
  /**
   * Something may have changed. `paths`: what watch events named (relative
   * paths), to read even if their size and mtime look unchanged; empty when a
   * watch broke and anything may have changed.
   */
  onChange(paths: Set<string>): void;
  /** The periodic rescan is due. */
  onRescan(): void;
}

export class FolderWatcher {
  readonly #options: WatcherOptions;
  readonly #root: string;
  readonly #watchers = new Map<string, FSWatcher>();
  #pending: Set<string> | undefined;
  #firstEventAt = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #rescan: NodeJS.Timeout;
  #closed = false;

  constructor(options: WatcherOptions) {
    this.#options = options;
    this.#root = path.resolve(options.root);
    this.#rescan = setInterval(() => options.onRescan(), options.rescanIntervalMs);
    this.#rescan.unref();
  }

  /** Watches exactly these folders (called after every scan, as folders come and go). */
  watchFolders(dirs: readonly string[]): void {
    if (this.#closed || !this.#options.useWatch) return;
    const wanted = new Set(dirs);
    for (const [dir, watcher] of this.#watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.#watchers.delete(dir);
    }
    for (const dir of wanted) if (!this.#watchers.has(dir)) this.#watch(dir);
  }

  #watch(dir: string): void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => this.#onEvent(dir, filename));
      watcher.on('error', (error) => {
        // The folder went away, or the watch broke: the rescan still sees every change.
        this.#options.logger.debug({ dir, err: error.message }, 'folder watch stopped');
        watcher.close();
        this.#watchers.delete(dir);
        this.#onEvent(dir, null);
      });
      this.#watchers.set(dir, watcher);
    } catch (error) {
      this.#options.logger.warn({ dir, err: error instanceof Error ? error.message : String(error) }, 'cannot watch folder; relying on the periodic rescan');
    }
  }

  #onEvent(dir: string, filename: string | Buffer | null): void {
    if (this.#closed) return;
    const now = Date.now();
    if (this.#pending === undefined) {
      this.#pending = new Set();
      this.#firstEventAt = now;
    }
    if (filename !== null) this.#pending.add(path.relative(this.#root, path.join(dir, filename.toString())).split(path.sep).join('/'));
    clearTimeout(this.#timer);
    const wait = Math.min(this.#options.settleMs, Math.max(0, this.#firstEventAt + this.#options.maxWaitMs - now));
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  /** Events have come in that are not reported yet. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  #flush(): void {
    const paths = this.#pending ?? new Set<string>();
    this.#pending = undefined;
    this.#timer = undefined;
    if (!this.#closed) this.#options.onChange(paths);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#rescan);
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }
}
