// The manifest files under a config folder: every *.yaml / *.yml, recursively,
// in path order. Hidden entries (dot-files and dot-directories: editors' swap
// and lock files, .git, the ..data links of a mounted ConfigMap) and
// node_modules are skipped. Symbolic links are followed (a mounted ConfigMap
// is a folder of links), with each real directory visited once.
//
// File-system calls are synchronous, in short runs between which the event
// loop gets a turn (see Pacer): for a folder of 40,000 files, node's promise
// API costs ~40 µs of main-thread time per readFile (open, fstat, read and
// close each a round trip) against ~7 µs for readFileSync, and ~6 µs per
// stat against ~2 µs.
import type { Dirent, Stats } from 'node:fs';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ManifestFile {
  /** Path relative to the config folder, with "/" separators. */
  rel: string;
  abs: string;
  mtimeMs: number;
  size: number;
  ino: number;
}

const MANIFEST = /\.ya?ml$/i;

export function isManifest(name: string): boolean {
  return MANIFEST.test(name);
}

/** Names never read or watched: hidden entries and node_modules. */
export function isSkipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** Lets the event loop run after every `every` calls of step(). */
export class Pacer {
  readonly #every: number;
  #count = 0;

  constructor(every = 256) {
    this.#every = every;
  }

  async step(): Promise<void> {
    if (++this.#count % this.#every === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface ManifestTree {
  /** In path order. */
  files: ManifestFile[];
  /** Every folder walked (absolute paths, the root first): what a watcher watches. */
  dirs: string[];
}

/** Lists manifest files in path order. Throws when `dir` itself cannot be read. */
export async function scanTree(dir: string): Promise<ManifestTree> {
  const root = path.resolve(dir);
  const tree: ManifestTree = { files: [], dirs: [] };
  const visited = new Set<string>([realpathSync(root)]);
  await walk(root, '', tree, visited, new Pacer(), true);
  tree.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return tree;
}

/** Walks `dir`, whose path relative to the root is `relDir` ("" for the root, else ending in "/"). */
async function walk(dir: string, relDir: string, tree: ManifestTree, visited: Set<string>, pacer: Pacer, isRoot: boolean): Promise<void> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (isRoot) throw error;
    return; // a subfolder removed or unreadable mid-walk: its files are simply absent
  }
  tree.dirs.push(dir);
  for (const entry of entries) {
    // Folders, links and manifests; other plain files need no stat.
    if (isSkipped(entry.name) || (entry.isFile() && !MANIFEST.test(entry.name))) continue;
    await pacer.step();
    const abs = dir + path.sep + entry.name; // dir is resolved and a name has no separator: nothing to normalise
    const stats = statOrUndefined(abs); // follows links
    if (stats === undefined) continue; // a dangling link or a file deleted mid-walk
    if (stats.isDirectory()) {
      const real = realpathOrSelf(abs);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(abs, `${relDir}${entry.name}/`, tree, visited, pacer, false);
    } else if (stats.isFile() && MANIFEST.test(entry.name)) {
      tree.files.push({ rel: relDir + entry.name, abs, mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino });
    }
  }
}

export function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}

function realpathOrSelf(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

export function readManifest(abs: string): string {
  // Not readFileSync(abs).toString(): faster alone, but a large file then becomes a string held outside
  // the heap, whose external-memory accounting set off full collections of the whole heap on each read.
  return readFileSync(abs, 'utf8');
}

/** True when the stat says the file may have changed since `before`. */
export function statChanged(before: ManifestFile, now: ManifestFile): boolean {
  return before.mtimeMs !== now.mtimeMs || before.size !== now.size || before.ino !== now.ino;
}
