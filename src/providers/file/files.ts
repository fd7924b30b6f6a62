// The manifest files under a config folder: every *.yaml / *.yml, recursively,
// in path order. Hidden entries (dot-files and dot-directories: editors' swap
// and lock files, .git, the ..data links of a mounted ConfigMap) and
// node_modules are skipped. Symbolic links are followed (a mounted ConfigMap
// is a folder of links), with each real directory visited once.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
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
/** How many file-system calls run at once when many are needed. */
const STAT_BATCH = 64;

/** Names never read or watched: hidden entries and node_modules. */
export function isSkipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** `fn` over `items` with at most `size` calls in flight; results in the order of `items`. */
export async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
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
  const visited = new Set<string>([await realpath(root)]);
  await walk(root, root, tree, visited, true);
  tree.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return tree;
}

async function walk(root: string, dir: string, tree: ManifestTree, visited: Set<string>, isRoot: boolean): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isRoot) throw error;
    return; // a subfolder removed or unreadable mid-walk: its files are simply absent
  }
  tree.dirs.push(dir);
  // Folders, links and manifests; other plain files need no stat.
  const wanted = entries.filter((entry) => !isSkipped(entry.name) && (!entry.isFile() || MANIFEST.test(entry.name)));
  // A folder's entries are stat'ed together (it may hold thousands of files), then walked in order.
  const statsOf = await inBatches(wanted, STAT_BATCH, (entry) => stat(path.join(dir, entry.name)).catch(() => undefined));
  for (const [i, entry] of wanted.entries()) {
    const abs = path.join(dir, entry.name);
    const stats = statsOf[i]; // follows links
    if (stats === undefined) continue; // a dangling link or a file deleted mid-walk
    if (stats.isDirectory()) {
      const real = await realpath(abs).catch(() => abs);
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(root, abs, tree, visited, false);
    } else if (stats.isFile() && MANIFEST.test(entry.name)) {
      const rel = path.relative(root, abs).split(path.sep).join('/');
      tree.files.push({ rel, abs, mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino });
    }
  }
}

export interface FileContent {
  text: string;
  hash: string;
}

export async function readManifest(abs: string): Promise<FileContent> {
  const bytes = await readFile(abs);
  return { text: bytes.toString('utf8'), hash: createHash('sha256').update(bytes).digest('hex') };
}

/** True when the stat says the file may have changed since `before`. */
export function statChanged(before: ManifestFile, now: ManifestFile): boolean {
  return before.mtimeMs !== now.mtimeMs || before.size !== now.size || before.ino !== now.ino;
}
