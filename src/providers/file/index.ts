// The file provider: a folder of Gateway API YAML, watched. It publishes a
// Snapshot (the whole ResourceSet and every current problem) on start and
// whenever an effective change lands; "last good config wins" for files that
// break and objects that turn invalid (see assemble.ts).
import type { Diagnostic } from '../../load/index.ts';
import type { ResourceSet } from '../../model/resources.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { Assembled, FileRecord } from './assemble.ts';
import { ConfigState } from './assemble.ts';
import type { ManifestFile } from './files.ts';
import { isSkipped, Pacer, scanTree, statChanged, statOrUndefined } from './files.ts';
import type { Content, FileEntry } from './entries.ts';
import { entryOf, readContent } from './entries.ts';
import { FolderWatcher } from './watch.ts';

export interface Snapshot {
  /** Increments per published snapshot (the first is 1). */
  version: number;
  resources: ResourceSet;
  /** Every current problem (all files), not only new ones. */
  diagnostics: Diagnostic[];
  /** Relative paths changed (added, modified, deleted) since the previous snapshot. */
  changedFiles: string[];
}

export interface FileProviderOptions {
  dir: string;
  logger: Logger;
  /** Quiet time before a burst of changes is read (default 100 ms). */
  debounceMs?: number;
  /** Time source for creationTimestamp of objects without one. */
  clock?: () => Date;
  /** Period of the full rescan that catches what watching misses (default 2000 ms). */
  rescanIntervalMs?: number;
  /** Watch folders for changes (default true); false relies on the rescan alone. */
  watch?: boolean;
}

const DEFAULT_DEBOUNCE_MS = 100;
const DEFAULT_RESCAN_MS = 2000;
/**
 * A file modified this recently is re-read even when its size and mtime look
 * unchanged: two writes within one file-system timestamp tick would otherwise
 * be indistinguishable.
 */
const RECENT_MS = 3000;
/** Files read and parsed between turns of the event loop. */
const PARSE_RUN = 64;

type ScanRequest = Set<string> | 'all';

export class FileProvider {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  readonly #debounceMs: number;
  readonly #rescanIntervalMs: number;
  readonly #useWatch: boolean;
  readonly #state = new ConfigState();
  readonly #listeners: ((snapshot: Snapshot) => void)[] = [];
  #files = new Map<string, FileEntry>();
  readonly #changedSincePublish = new Set<string>();
  /** What the last published snapshot holds (see ConfigState.unchanged). */
  #committed: Assembled | undefined;
  #version = 0;
  #watcher: FolderWatcher | undefined;
  #pending: ScanRequest | undefined;
  #draining: Promise<Snapshot | undefined> | undefined;
  /** Set while the folder itself cannot be read (logged once, not on every rescan). */
  #folderError: string | undefined;
  #closed = false;

  constructor(options: FileProviderOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#rescanIntervalMs = options.rescanIntervalMs ?? DEFAULT_RESCAN_MS;
    this.#useWatch = options.watch ?? true;
  }

  /** Loads the folder (throws when it cannot be read) and starts watching it. */
  async start(): Promise<Snapshot> {
    const tree = await scanTree(this.#dir);
    await this.#readChanges(tree.files, 'all');
    const snapshot = this.#commit(this.#assemble());
    this.#watcher = new FolderWatcher({
      root: this.#dir,
      debounceMs: this.#debounceMs,
      rescanIntervalMs: this.#rescanIntervalMs,
      useWatch: this.#useWatch,
      logger: this.#logger,
      onChange: (paths) => void this.#request(paths),
    });
    this.#watcher.watchFolders(tree.dirs);
    // Catch anything written between the first read and the watches starting.
    void this.#request(new Set());
    return snapshot;
  }

  /** Called with every snapshot after the first (the one start() returns). */
  onSnapshot(listener: (snapshot: Snapshot) => void): void {
    this.#listeners.push(listener);
  }

  /** Re-reads every file now (e.g. on SIGHUP); resolves with the snapshot published, if anything changed. */
  reload(): Promise<Snapshot | undefined> {
    return this.#request('all');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    await this.#draining;
  }

  /** Queues a scan; scans never overlap, and requests made while one runs are merged into the next. */
  #request(request: ScanRequest): Promise<Snapshot | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    this.#pending = mergeRequests(this.#pending, request);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drain(): Promise<Snapshot | undefined> {
    let published: Snapshot | undefined;
    while (this.#pending !== undefined && !this.#closed) {
      const request = this.#pending;
      this.#pending = undefined;
      try {
        if (request === 'all' || request.size === 0 || !this.#readNamed(request)) {
          const tree = await scanTree(this.#dir);
          if (this.#folderError !== undefined) this.#logger.info({ dir: this.#dir }, 'the config folder is readable again');
          this.#folderError = undefined;
          this.#watcher?.watchFolders(tree.dirs);
          await this.#readChanges(tree.files, request);
        }
        if (this.#changedSincePublish.size === 0) continue;
        const assembled = this.#assemble();
        // An edit that changes nothing effective (a touch, a comment) publishes nothing.
        if (this.#state.unchanged(this.#committed, assembled)) continue;
        published = this.#commit(assembled);
        this.#publish(published);
      } catch (error) {
        // The folder itself is gone or unreadable: keep serving the last snapshot.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.#folderError) this.#logger.error({ dir: this.#dir, err: message }, 'cannot read the config folder; keeping the last configuration');
        this.#folderError = message;
      }
    }
    return published;
  }

  /** Reads the files of a full listing that may have changed; records what did in #changedSincePublish. */
  async #readChanges(listed: ManifestFile[], request: ScanRequest): Promise<void> {
    const next = new Map<string, FileEntry>();
    const pacer = new Pacer(PARSE_RUN);
    for (const file of listed) {
      const previous = this.#files.get(file.rel);
      if (previous !== undefined && !mustRead(previous.stat, file, request)) {
        previous.stat = file;
        next.set(file.rel, previous);
        continue;
      }
      await pacer.step();
      const content = readContent(file);
      if (content === undefined) continue; // deleted since it was listed
      const { entry, changed } = entryOf(file, content, previous);
      next.set(file.rel, entry);
      if (changed) this.#changedSincePublish.add(file.rel);
    }
    for (const rel of this.#files.keys()) if (!next.has(rel)) this.#changedSincePublish.add(rel);
    this.#files = next;
  }

  /**
   * Re-reads just the files a watch event named, without listing the folder,
   * when each is a file already known that still exists (an edit, the common
   * case). False, having changed nothing, when a full scan is needed: a new
   * file, a folder, or a file gone (perhaps with the whole folder, which must
   * keep the last configuration). Names the scan skips are ignored.
   */
  #readNamed(paths: ReadonlySet<string>): boolean {
    const read: { file: ManifestFile; content: Content }[] = [];
    for (const rel of paths) {
      if (rel.split('/').some(isSkipped)) continue;
      const known = this.#files.get(rel);
      const stats = known === undefined ? undefined : statOrUndefined(known.stat.abs);
      if (known === undefined || stats === undefined || !stats.isFile()) return false;
      const file: ManifestFile = { rel, abs: known.stat.abs, mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino };
      const content = readContent(file);
      if (content === undefined) return false;
      read.push({ file, content });
    }
    for (const { file, content } of read) {
      const { entry, changed } = entryOf(file, content, this.#files.get(file.rel));
      this.#files.set(file.rel, entry); // an existing key: path order is kept
      if (changed) this.#changedSincePublish.add(file.rel);
    }
    return true;
  }

  #assemble(): Assembled {
    return this.#state.assemble([...this.#files.values()], this.#clock());
  }

  #commit(assembled: Assembled): Snapshot {
    this.#committed = assembled;
    const snapshot: Snapshot = {
      version: ++this.#version,
      resources: assembled.resources,
      diagnostics: assembled.diagnostics,
      changedFiles: [...this.#changedSincePublish].sort(),
    };
    this.#changedSincePublish.clear();
    return snapshot;
  }

  #publish(snapshot: Snapshot): void {
    this.#logger.debug({ version: snapshot.version, files: snapshot.changedFiles }, 'configuration changed');
    for (const listener of this.#listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.#logger.error({ err: error instanceof Error ? error.message : String(error) }, 'snapshot listener failed');
      }
    }
  }
}

function mergeRequests(a: ScanRequest | undefined, b: ScanRequest): ScanRequest {
  if (a === undefined) return b;
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

function mustRead(before: ManifestFile, now: ManifestFile, request: ScanRequest): boolean {
  return request === 'all' || request.has(now.rel) || statChanged(before, now) || Date.now() - now.mtimeMs < RECENT_MS;
}

/** Loads a folder once, without watching (`portico check`). Throws when the folder cannot be read. */
export async function loadDirectoryOnce(dir: string): Promise<Snapshot> {
  const tree = await scanTree(dir);
  const records: FileRecord[] = [];
  const pacer = new Pacer(PARSE_RUN);
  for (const file of tree.files) {
    await pacer.step();
    const content = readContent(file);
    if (content !== undefined) records.push({ rel: file.rel, parse: entryOf(file, content).entry.parse });
  }
  const assembled = new ConfigState().assemble(records, new Date());
  return { version: 1, resources: assembled.resources, diagnostics: assembled.diagnostics, changedFiles: records.map((r) => r.rel) };
}
