// The file provider: a folder of Gateway API YAML, watched. It publishes a
// Snapshot (the whole ResourceSet and every current problem) on start and
// whenever an effective change lands; "last good config wins" for files that
// break and objects that turn invalid (see assemble.ts).
//
// Changes are taken in as soon as their watch events settle (watch.ts): an
// edit is read and published within milliseconds. Two things keep that from
// publishing half-done work: while more events are arriving (a burst: `git
// checkout`, `cp -r`, an editor saving in steps) the snapshot waits for them,
// up to the longest wait; and a change that would remove objects (a file gone,
// or emptied, as a plain write first truncates) is taken in only once it has
// stood for `debounceMs`, by then completed or confirmed. "Stood" means every
// look at the file since the first one that found it gone or empty found it
// so: a file rewritten again and again (truncated, written, truncated...) is
// never taken in while empty, however the looks fall (a rescan, or the
// re-check after the debounce, can land inside a later truncation).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from '../../load/index.ts';
import type { ResourceSet } from '../../model/resources.ts';
import type { Logger } from '../../telemetry/log.ts';
import type { Assembled, FileRecord } from './assemble.ts';
import { ConfigState } from './assemble.ts';
import type { ManifestFile, ManifestTree } from './files.ts';
import { isManifest, isSkipped, Pacer, scanTree, statChanged, statOrUndefined } from './files.ts';
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
  /** How long a change that removes objects must stand before it is taken in (default 100 ms). */
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
/** Quiet time that ends the watch events of one change (a write is a truncate and a write, a few µs apart). */
const SETTLE_MS = 2;
/**
 * The periodic rescan costs a stat per file (~0.3 s for 40,000 files here):
 * it waits at least this many times as long as the last scan took, so it
 * never takes more than a few percent of the time.
 */
const RESCAN_COST_FACTOR = 25;
/**
 * A file whose mtime is this close to (or after) the moment it was last read
 * is re-read even when its size and mtime look unchanged: a second write
 * within one file-system timestamp tick of the read would otherwise go
 * unseen ("racily clean", as git calls it). Measured against the file's own
 * last read, not the clock: files written long before they were read are
 * not re-read by every rescan, whatever their age (at start, 40,000 files
 * written in the seconds before were all read twice).
 */
const RACY_MS = 1000;
/** Files read and parsed between turns of the event loop. */
const PARSE_RUN = 64;

/** Paths named by watch events (empty: look at the whole tree), or 'all': re-read every file. */
type ScanPaths = Set<string> | 'all';

interface ScanRequest {
  paths: ScanPaths;
  /** From watch events just now: removals wait (see the top of this file), bursts are coalesced. */
  quick: boolean;
}

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
  /** Folders (relative, "" for the root) as of the last scan: an event naming one that is gone needs a scan. */
  #folders = new Set<string>();
  #lastScan = { at: 0, ms: 0 };
  /** When the first snapshot held back for a burst would have gone out. */
  #holdingSince: number | undefined;
  readonly #deferred = new Set<NodeJS.Timeout>();
  /** Files holding objects last seen gone or emptied, by when that was first seen (see #removalStood). */
  readonly #emptySince = new Map<string, number>();
  #closed = false;
  /** start() has read the folder once. */
  #loaded = false;
  /** A scan is listing the folder (and has read no file yet). */
  #listing = false;

  constructor(options: FileProviderOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#rescanIntervalMs = options.rescanIntervalMs ?? DEFAULT_RESCAN_MS;
    this.#useWatch = options.watch ?? true;
  }

  /**
   * Loads the folder (throws when it cannot be read), watching it from before
   * the first file is read: a write during the load (which takes seconds at
   * tens of thousands of files) is an ordinary watch event, taken in once the
   * load is done. So no full rescan follows the load; one used to, and a
   * change made just after start waited behind it (about 0.5 s at 40,000
   * files). What lands between the listing and the watches starting (a few
   * milliseconds) is for the periodic rescan, like a dropped event.
   */
  async start(): Promise<Snapshot> {
    const tree = await this.#scan();
    this.#watcher = new FolderWatcher({
      root: this.#dir,
      settleMs: Math.min(SETTLE_MS, this.#debounceMs),
      maxWaitMs: this.#maxWaitMs,
      rescanIntervalMs: this.#rescanIntervalMs,
      useWatch: this.#useWatch,
      logger: this.#logger,
      onChange: (paths) => void this.#request(paths, true),
      onRescan: () => {
        if (Date.now() - this.#lastScan.at >= this.#lastScan.ms * RESCAN_COST_FACTOR) void this.#request(new Set());
      },
    });
    this.#watcher.watchFolders(tree.dirs);
    try {
      await this.#readChanges(tree.files, 'all');
    } catch (error) {
      this.#watcher.close();
      throw error;
    }
    const snapshot = this.#commit(this.#assemble());
    this.#loaded = true;
    // Events that came during the load.
    if (this.#pending !== undefined) void this.#drainPending();
    return snapshot;
  }

  get #maxWaitMs(): number {
    return Math.max(this.#debounceMs * 4, 400);
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
    for (const timer of this.#deferred) clearTimeout(timer);
    await this.#draining;
  }

  /** Queues a scan; scans never overlap, and requests made while one runs are merged into the next. */
  #request(paths: ScanPaths, quick = false): Promise<Snapshot | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#listing && quick && paths !== 'all' && paths.size > 0 && this.#watcher?.pending !== true && this.#readNamed(paths)) {
      // A rescan is listing the folder (half a second at 40,000 files): an edit does not wait for it. Safe while it
      // lists (it has read nothing yet; what it then reads compares against these entries); not while it reads.
      return Promise.resolve(this.#publishChanges());
    }
    this.#pending = mergeRequests(this.#pending, { paths, quick });
    // During the load, requests wait for it (start() takes them in at its end).
    return this.#loaded ? this.#drainPending() : Promise.resolve(undefined);
  }

  #drainPending(): Promise<Snapshot | undefined> {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #drain(): Promise<Snapshot | undefined> {
    let published: Snapshot | undefined;
    while (this.#pending !== undefined && !this.#closed) {
      const { paths, quick } = this.#pending;
      this.#pending = undefined;
      try {
        if (paths === 'all' || paths.size === 0 || !this.#readNamed(paths)) {
          this.#listing = true;
          const tree = await this.#scan().finally(() => {
            this.#listing = false;
          });
          if (this.#folderError !== undefined) this.#logger.info({ dir: this.#dir }, 'the config folder is readable again');
          this.#folderError = undefined;
          this.#watcher?.watchFolders(tree.dirs);
          await this.#readChanges(tree.files, paths);
        }
        if (this.#changedSincePublish.size === 0) continue;
        // More events are on their way: one snapshot for the whole burst, within the longest wait.
        if (quick && this.#watcher?.pending === true && Date.now() - (this.#holdingSince ??= Date.now()) < this.#maxWaitMs) continue;
        this.#holdingSince = undefined;
        published = this.#publishChanges() ?? published;
      } catch (error) {
        // The folder itself is gone or unreadable: keep serving the last snapshot.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.#folderError) this.#logger.error({ dir: this.#dir, err: message }, 'cannot read the config folder; keeping the last configuration');
        this.#folderError = message;
      }
    }
    return published;
  }

  /** Lists the folder, noting its folders and what the scan cost (for the rescan's pace). */
  async #scan(): Promise<ManifestTree> {
    const started = performance.now();
    const tree = await scanTree(this.#dir);
    this.#lastScan = { at: Date.now(), ms: performance.now() - started };
    const root = path.resolve(this.#dir);
    this.#folders = new Set(tree.dirs.map((dir) => path.relative(root, dir).split(path.sep).join('/')));
    return tree;
  }

  /** Looks at `paths` again once a change that removes objects has stood for debounceMs. */
  #defer(paths: ScanPaths): void {
    const timer = setTimeout(() => {
      this.#deferred.delete(timer);
      void this.#request(paths);
    }, this.#debounceMs);
    this.#deferred.add(timer);
  }

  /**
   * Reads the files of a full listing that may have changed; records what did
   * in #changedSincePublish. A listing without a file that holds objects
   * changes nothing until that has stood (#removalStood), and a file emptied
   * keeps its last entry until then: both are looked at again later.
   */
  async #readChanges(listed: ManifestFile[], request: ScanPaths): Promise<void> {
    const present = new Set(listed.map((file) => file.rel));
    const gone = [...this.#files.values()].filter((entry) => !present.has(entry.rel) && holdsObjects(entry));
    // Evaluated for every gone file (each starts its wait), then: nothing is taken in while one has not stood.
    if (gone.map((entry) => this.#removalStood(entry.rel)).includes(false)) {
      this.#defer(new Set());
      return;
    }
    for (const entry of gone) this.#emptySince.delete(entry.rel);
    const next = new Map<string, FileEntry>();
    const pacer = new Pacer(PARSE_RUN);
    for (const file of listed) {
      const previous = this.#files.get(file.rel);
      if (previous !== undefined && !mustRead(previous, file, request)) {
        previous.stat = file;
        next.set(file.rel, previous);
        continue;
      }
      await pacer.step();
      const content = readContent(file);
      if (content === undefined) continue; // deleted since it was listed
      const { entry, changed } = entryOf(file, content, previous);
      if (changed && emptied(previous, entry) && !this.#removalStood(file.rel)) {
        next.set(file.rel, previous as FileEntry);
        this.#defer(new Set([file.rel]));
        continue;
      }
      if (!emptied(previous, entry)) this.#emptySince.delete(file.rel);
      next.set(file.rel, entry);
      if (changed) this.#changedSincePublish.add(file.rel);
    }
    for (const rel of this.#files.keys()) if (!next.has(rel)) this.#changedSincePublish.add(rel);
    this.#files = next;
  }

  /**
   * Re-reads just the files a watch event named, without listing the folder:
   * known files that still exist (an edit, the common case) and new manifest
   * files in folders already watched. False, having changed nothing, when a
   * full scan is needed: a folder came or went, or a file is gone while its
   * folder is too (a whole folder may have gone, which must keep the last
   * configuration). Names the scan skips, and files that are not manifests,
   * are ignored. A file gone or emptied that held objects is left as it was
   * until that has stood (#removalStood), and looked at again later.
   */
  #readNamed(paths: ReadonlySet<string>): boolean {
    const read: { file: ManifestFile; content: Content }[] = [];
    const gone: string[] = [];
    for (const rel of paths) {
      if (rel.split('/').some(isSkipped)) continue;
      const known = this.#files.get(rel);
      const abs = known?.stat.abs ?? path.join(this.#dir, rel);
      const stats = statOrUndefined(abs);
      if (stats === undefined) {
        if (known === undefined) {
          if (this.#folders.has(rel)) return false; // a folder went
          continue; // a file that came and went (an editor's temp file)
        }
        if (statOrUndefined(path.dirname(abs))?.isDirectory() !== true) return false; // its folder went too
        gone.push(rel);
        continue;
      }
      if (stats.isDirectory()) return false;
      if (!stats.isFile() || (known === undefined && !isManifest(rel))) continue;
      const file: ManifestFile = { rel, abs, mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino };
      const content = readContent(file);
      if (content === undefined) {
        if (known !== undefined) gone.push(rel);
        continue;
      }
      read.push({ file, content });
    }
    const later = new Set<string>();
    for (const rel of gone) {
      const known = this.#files.get(rel) as FileEntry;
      if (holdsObjects(known) && !this.#removalStood(rel)) later.add(rel);
      else {
        this.#emptySince.delete(rel);
        this.#files.delete(rel);
        this.#changedSincePublish.add(rel);
      }
    }
    let added = false;
    for (const { file, content } of read) {
      const previous = this.#files.get(file.rel);
      const { entry, changed } = entryOf(file, content, previous);
      if (emptied(previous, entry)) {
        if (changed && !this.#removalStood(file.rel)) {
          later.add(file.rel); // emptied, or being written: wait and see
          continue;
        }
      } else this.#emptySince.delete(file.rel);
      this.#files.set(file.rel, entry);
      if (previous === undefined) added = true;
      if (changed) this.#changedSincePublish.add(file.rel);
    }
    // New files go to their place in path order (the order objects are assembled in).
    if (added) this.#files = new Map([...this.#files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (later.size > 0) this.#defer(later);
    return true;
  }

  /**
   * Whether a file that held objects and is now gone or empty has been so at
   * every look for debounceMs; the first such look starts the wait.
   */
  #removalStood(rel: string): boolean {
    const since = this.#emptySince.get(rel);
    if (since === undefined) {
      this.#emptySince.set(rel, performance.now());
      return false;
    }
    return performance.now() - since >= this.#debounceMs;
  }

  #assemble(): Assembled {
    return this.#state.assemble([...this.#files.values()], this.#clock());
  }

  /** Assembles and publishes what changed; nothing when no change is effective (a touch, a comment). */
  #publishChanges(): Snapshot | undefined {
    if (this.#changedSincePublish.size === 0) return undefined;
    const assembled = this.#assemble();
    if (this.#state.unchanged(this.#committed, assembled)) return undefined;
    const snapshot = this.#commit(assembled);
    this.#publish(snapshot);
    return snapshot;
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
  const paths = a.paths === 'all' || b.paths === 'all' ? 'all' : a.paths.size === 0 || b.paths.size === 0 ? new Set<string>() : new Set([...a.paths, ...b.paths]);
  return { paths, quick: a.quick && b.quick };
}

function holdsObjects(entry: FileEntry): boolean {
  return entry.parse.objects.length > 0 || entry.parse.rejected.length > 0;
}

/** `entry` holds nothing (and parses: a syntax error keeps the last good objects anyway) where `previous` held objects. */
function emptied(previous: FileEntry | undefined, entry: FileEntry): boolean {
  return previous !== undefined && holdsObjects(previous) && !holdsObjects(entry) && !entry.parse.syntaxError;
}

function mustRead(before: FileEntry, now: ManifestFile, request: ScanPaths): boolean {
  return request === 'all' || request.has(now.rel) || statChanged(before.stat, now) || now.mtimeMs > before.readAtMs - RACY_MS;
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
