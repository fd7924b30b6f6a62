// The file provider on a real temporary folder: watching, debouncing, last
// good config, generation and creationTimestamp. Every wait is on an event
// (a published snapshot) with a deadline; nothing sleeps.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { formatDiagnostic } from '../../load/index.ts';
import { memoryLogger, silentLogger } from '../../telemetry/log.ts';
import type { FileProviderOptions, Snapshot } from './index.ts';
import { FileProvider, loadDirectoryOnce } from './index.ts';

let dir: string;
let providers: FileProvider[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'portico-files-'));
});

afterEach(async () => {
  await Promise.all(providers.map((p) => p.close()));
  providers = [];
  await rm(dir, { recursive: true, force: true });
});

/** A ConfigMap; `meta` adds indented lines under metadata. */
const configMap = (name: string, value = 'v', meta = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${meta}data:\n  key: ${value}\n`;

async function put(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), text);
}

const names = (s: Snapshot) => s.resources.configMaps.map((c) => c.metadata.name);
const valueOf = (s: Snapshot, name: string) => s.resources.configMaps.find((c) => c.metadata.name === name)?.data?.key;
const errors = (s: Snapshot) => s.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

/** A started provider and a way to wait for its next snapshots. */
async function startProvider(options: Partial<FileProviderOptions> = {}) {
  const provider = new FileProvider({ dir, logger: silentLogger(), debounceMs: 20, rescanIntervalMs: 60_000, ...options });
  providers.push(provider);
  const published: Snapshot[] = [];
  let wake: () => void = () => {};
  provider.onSnapshot((s) => {
    published.push(s);
    wake();
  });
  const first = await provider.start();
  await provider.reload(); // let the start-up rescan settle before the test changes files
  let cursor = published.length;
  /** Resolves with the next published snapshot that satisfies `predicate`, or fails after the deadline. */
  async function next(predicate: (s: Snapshot) => boolean = () => true, timeoutMs = 5000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (cursor < published.length) {
        const snapshot = published[cursor++] as Snapshot;
        if (predicate(snapshot)) return snapshot;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching snapshot within ${timeoutMs} ms (published: ${published.map((s) => s.version).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
  return { provider, first, published, next };
}

test('start loads every manifest under the folder in path order, skipping hidden folders, dot-files and node_modules', async () => {
  await put('b.yaml', configMap('b'));
  await put('a/z.yml', `${configMap('z')}---\n${configMap('y')}`);
  await put('.git/x.yaml', configMap('hidden-dir'));
  await put('node_modules/x.yaml', configMap('module'));
  await put('.#a.yaml', configMap('editor-lock'));
  await put('notes.txt', configMap('not-yaml'));
  const { first } = await startProvider();
  assert.equal(first.version, 1);
  assert.deepEqual(names(first), ['z', 'y', 'b']);
  assert.deepEqual(first.changedFiles, ['a/z.yml', 'b.yaml']);
  assert.deepEqual(first.diagnostics, []);
});

test('start fails when the folder cannot be read', async () => {
  const provider = new FileProvider({ dir: path.join(dir, 'missing'), logger: silentLogger() });
  providers.push(provider);
  await assert.rejects(provider.start(), /ENOENT/);
});

test('a modified, an added (in a new folder) and a deleted file each publish a snapshot', async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider();

  await put('a.yaml', configMap('a', 'two'));
  const modified = await next();
  assert.deepEqual([modified.version, valueOf(modified, 'a'), modified.changedFiles], [2, 'two', ['a.yaml']]);

  await put('more/b.yaml', configMap('b'));
  const added = await next((s) => names(s).includes('b'));
  assert.deepEqual(added.changedFiles, ['more/b.yaml']);

  await rm(path.join(dir, 'a.yaml'));
  const deleted = await next((s) => !names(s).includes('a'));
  assert.deepEqual([names(deleted), deleted.changedFiles], [['b'], ['a.yaml']]);
});

test("an editor's atomic save (write a temp file, rename it over) is seen, and so are later plain writes", async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider();

  await writeFile(path.join(dir, '.a.yaml.swp'), configMap('a', 'two'));
  await rename(path.join(dir, '.a.yaml.swp'), path.join(dir, 'a.yaml'));
  assert.equal(valueOf(await next(), 'a'), 'two');

  await put('a.yaml', configMap('a', 'three'));
  assert.equal(valueOf(await next(), 'a'), 'three');
});

test('a file that stops parsing keeps its last good objects until it is fixed', async () => {
  await put('a.yaml', `${configMap('a', 'one')}---\n${configMap('b')}`);
  await put('c.yaml', configMap('c'));
  const { next } = await startProvider();

  await put('a.yaml', `${configMap('a', 'two')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b\n`);
  await put('c.yaml', configMap('c', 'changed'));
  const broken = await next((s) => valueOf(s, 'c') === 'changed');
  assert.deepEqual(names(broken), ['a', 'b', 'c']);
  assert.equal(valueOf(broken, 'a'), 'one', 'the broken file contributes its previous objects');
  assert.match(errors(broken)[0] ?? '', /^a\.yaml:\d+: YAML syntax error: /);
  assert.ok(broken.diagnostics.some((d) => d.severity === 'warning' && d.file === 'a.yaml' && /last good objects \(2\) stay in effect/.test(d.message)));

  await put('a.yaml', configMap('a', 'fixed'));
  const fixed = await next();
  assert.deepEqual([names(fixed), valueOf(fixed, 'a'), errors(fixed)], [['a', 'c'], 'fixed', []]);
});

test('an object that turns invalid keeps its last valid version; one never valid is absent', async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider();

  await put('a.yaml', `${configMap('a', '{not: a string}')}---\n${configMap('new', '[list]')}`);
  const invalid = await next();
  assert.deepEqual([names(invalid), valueOf(invalid, 'a')], [['a'], 'one']);
  assert.deepEqual(errors(invalid), [
    'a.yaml:6: ConfigMap default/a: data.key: must be a string, got an object',
    'a.yaml:13: ConfigMap default/new: data.key: must be a string, got a list',
  ]);
  assert.ok(invalid.diagnostics.some((d) => d.severity === 'warning' && d.name === 'a' && /last valid version \(generation 1\) stays in effect/.test(d.message)));

  await put('a.yaml', configMap('a', 'two'));
  const repaired = await next();
  assert.deepEqual([names(repaired), valueOf(repaired, 'a'), repaired.diagnostics], [['a'], 'two', []]);
});

test('generation counts changes outside metadata; creationTimestamp is kept from the file or first sight', async () => {
  let now = new Date('2024-05-01T10:00:00.250Z');
  await put('a.yaml', configMap('a', 'one'));
  await put('b.yaml', configMap('b', 'one', '  creationTimestamp: "2020-01-01T00:00:00Z"\n'));
  const { first, next } = await startProvider({ clock: () => now });
  const meta = (s: Snapshot, name: string) => {
    const m = s.resources.configMaps.find((c) => c.metadata.name === name)?.metadata;
    return [m?.generation, m?.creationTimestamp];
  };
  assert.deepEqual(meta(first, 'a'), [1, '2024-05-01T10:00:00Z']);
  assert.deepEqual(meta(first, 'b'), [1, '2020-01-01T00:00:00Z']);

  now = new Date('2024-05-01T11:00:00Z');
  await put('a.yaml', configMap('a', 'one', '  labels: {team: x}\n'));
  assert.deepEqual(meta(await next(), 'a'), [1, '2024-05-01T10:00:00Z'], 'a metadata change keeps the generation');

  await put('a.yaml', configMap('a', 'two'));
  assert.deepEqual(meta(await next(), 'a'), [2, '2024-05-01T10:00:00Z'], 'a data change bumps it');

  await put('c.yaml', configMap('c'));
  const withC = await next();
  assert.deepEqual([meta(withC, 'a'), meta(withC, 'c')], [[2, '2024-05-01T10:00:00Z'], [1, '2024-05-01T11:00:00Z']], 'reloads keep both');

  await rm(path.join(dir, 'a.yaml'));
  await next((s) => !names(s).includes('a'));
  now = new Date('2024-05-01T12:00:00Z');
  await put('a.yaml', configMap('a', 'two'));
  assert.deepEqual(meta(await next((s) => names(s).includes('a')), 'a'), [1, '2024-05-01T12:00:00Z'], 'deleted and created again: a new object');
});

test('an edit re-reads only what changed: other objects are the same instances, with their generation', async () => {
  await put('a.yaml', `${configMap('one')}---\n${configMap('two')}---\n${configMap('three')}`);
  await put('b.yaml', configMap('other'));
  const { first, next } = await startProvider();
  const byName = (s: Snapshot) => new Map(s.resources.configMaps.map((c) => [c.metadata.name, c]));
  const before = byName(first);

  await put('a.yaml', `${configMap('one')}---\n${configMap('two', 'changed')}\n---\n${configMap('three')}`);
  const after = byName(await next());
  assert.deepEqual(
    ['one', 'two', 'three', 'other'].map((name) => [name, after.get(name) === before.get(name), after.get(name)?.metadata.generation]),
    [
      ['one', true, 1],
      ['two', false, 2],
      ['three', true, 1],
      ['other', true, 1],
    ],
  );
});

test('nothing effective changed (a touch, a comment, a re-ordered key): nothing is published', async () => {
  await put('a.yaml', configMap('a'));
  const { provider, published, next } = await startProvider();
  const before = published.length;

  const later = new Date(Date.now() + 10_000);
  await utimes(path.join(dir, 'a.yaml'), later, later);
  assert.equal(await provider.reload(), undefined);
  await put('a.yaml', `# a comment\n${configMap('a')}`);
  assert.equal(await provider.reload(), undefined);
  await put('a.yaml', 'data: {key: v}\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n');
  assert.equal(await provider.reload(), undefined);
  assert.equal(published.length, before);

  await put('b.yaml', configMap('b'));
  const snapshot = await next();
  assert.deepEqual(snapshot.changedFiles, ['a.yaml', 'b.yaml'], 'files changed without effect are reported with the next snapshot');
});

test('a burst of writes is debounced into one snapshot', async () => {
  const { published, next } = await startProvider({ debounceMs: 200 });
  const before = published.length;
  await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => put(`${n}.yaml`, configMap(n))));
  const snapshot = await next((s) => names(s).length === 5);
  assert.deepEqual(snapshot.changedFiles, ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml']);
  assert.equal(published.length, before + 1);
});

test('a lone edit is published at once, not after the debounce; a new file in a watched folder too', async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider({ debounceMs: 60_000 });
  await put('a.yaml', configMap('a', 'two'));
  assert.equal(valueOf(await next(), 'a'), 'two');
  await put('b.yaml', configMap('b'));
  assert.deepEqual(names(await next()), ['a', 'b']);
});

test('a write while the folder is first loaded is an ordinary change, taken in once the load is done (no rescan after start)', async () => {
  for (let i = 0; i < 400; i++) await put(`m/${String(i).padStart(3, '0')}.yaml`, configMap(`m${i}`, 'one'));
  // A long rescan period: only the watch can bring the write in.
  const provider = new FileProvider({ dir, logger: silentLogger(), debounceMs: 20, rescanIntervalMs: 60_000 });
  providers.push(provider);
  let deadline: NodeJS.Timeout | undefined;
  const edited = new Promise<Snapshot>((resolve, reject) => {
    provider.onSnapshot((snapshot) => {
      if (valueOf(snapshot, 'm0') === 'two') resolve(snapshot);
    });
    deadline = setTimeout(() => reject(new Error('the write made during the load was not published within 5 s')), 5000);
  });
  const starting = provider.start();
  // The load reads 64 files per turn of the event loop: this write lands after the first file was read.
  await new Promise((resolve) => setImmediate(resolve));
  await put('m/000.yaml', configMap('m0', 'two'));
  const first = await starting;
  const latest = valueOf(first, 'm0') === 'two' ? first : await edited;
  clearTimeout(deadline);
  assert.equal(valueOf(latest, 'm0'), 'two');
  assert.equal(names(latest).length, 400);
});

test('edits and a new file made while a rescan lists a large folder are taken in, and the rescan loses none of them', async () => {
  for (let i = 0; i < 2000; i++) await put(`m/${String(i).padStart(4, '0')}.yaml`, configMap(`m${i}`, 'one'));
  const { provider, next } = await startProvider();
  const rescan = provider.reload(); // lists 2,000 files, yielding to the event loop as it goes
  await put('m/0000.yaml', configMap('m0', 'two'));
  await put('m/1999.yaml', configMap('m1999', 'two'));
  await put('m/new.yaml', configMap('mnew', 'one'));
  await rescan;
  const last = await next((s) => valueOf(s, 'm0') === 'two' && valueOf(s, 'm1999') === 'two' && names(s).includes('mnew'));
  assert.equal(names(last).length, 2001);
  // Nothing later takes any of it back.
  await put('m/0001.yaml', configMap('m1', 'two'));
  const after = await next((s) => valueOf(s, 'm1') === 'two');
  assert.deepEqual([valueOf(after, 'm0'), valueOf(after, 'm1999'), valueOf(after, 'mnew')], ['two', 'two', 'one']);
});

test('a file emptied (as a write first truncates it) or removed keeps its objects until that has stood for the debounce', async () => {
  await put('a.yaml', configMap('a', 'one'));
  await put('b.yaml', configMap('b'));
  const { published, next } = await startProvider({ debounceMs: 300 });
  const before = published.length;
  // Truncated, then written a moment later: no snapshot ever lacks the object.
  await writeFile(path.join(dir, 'a.yaml'), '');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeFile(path.join(dir, 'a.yaml'), configMap('a', 'two'));
  assert.equal(valueOf(await next(), 'a'), 'two', 'the first snapshot after the truncation has the new content');
  assert.deepEqual(published.slice(before).map(names), [['a', 'b']]);
  // Emptied for good, and removed: taken in once that has stood.
  await writeFile(path.join(dir, 'a.yaml'), '');
  await rm(path.join(dir, 'b.yaml'));
  assert.deepEqual(names(await next((s) => names(s).length === 0)), []);
});

test('without folder watches, the periodic rescan still sees every change', async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider({ watch: false, rescanIntervalMs: 50 });
  await put('a.yaml', configMap('a', 'two'));
  assert.equal(valueOf(await next(), 'a'), 'two');
  await put('sub/b.yaml', configMap('b'));
  assert.deepEqual(names(await next()), ['a', 'b']);
});

test('duplicates across files: the first in path order wins, and the error stays until resolved', async () => {
  await put('a.yaml', configMap('same', 'from-a'));
  await put('b.yaml', configMap('same', 'from-b'));
  const { first, next } = await startProvider();
  assert.equal(valueOf(first, 'same'), 'from-a');
  assert.deepEqual(errors(first), ['b.yaml:1: ConfigMap default/same: duplicate object: already defined at a.yaml:1, which is the one used']);

  await put('c.yaml', configMap('other'));
  const unrelated = await next();
  assert.equal(errors(unrelated).length, 1, 'every current problem is in every snapshot');

  await rm(path.join(dir, 'b.yaml'));
  assert.deepEqual(errors(await next()), []);
});

test('when the folder itself disappears, the last configuration stays until it is back', async () => {
  await put('a.yaml', configMap('a'));
  const logger = memoryLogger();
  const { provider, next } = await startProvider({ logger });
  await rm(dir, { recursive: true, force: true });
  assert.equal(await provider.reload(), undefined);
  assert.equal(await provider.reload(), undefined);
  assert.deepEqual(
    logger.entries.filter((e) => e.level === 'error').map((e) => e.msg),
    ['cannot read the config folder; keeping the last configuration'],
    'logged once, not on every rescan',
  );
  // The folder comes back whole (made aside, then renamed into place): a scan
  // between a mkdir and a write would rightly see an empty folder.
  const aside = `${dir}-aside`;
  await mkdir(aside);
  await writeFile(path.join(aside, 'b.yaml'), configMap('b'));
  await rename(aside, dir);
  await provider.reload();
  // A re-check of a.yaml may first publish its removal (b not read yet): wait for b.
  assert.deepEqual(names(await next((s) => names(s).includes('b'))), ['b']);
});

test('after close, nothing is published', async () => {
  await put('a.yaml', configMap('a'));
  const { provider, published } = await startProvider();
  await provider.close();
  const before = published.length;
  await put('a.yaml', configMap('a', 'changed'));
  assert.equal(await provider.reload(), undefined);
  assert.equal(published.length, before);
});

test('loadDirectoryOnce reads the folder without watching it', async () => {
  await put('a.yaml', configMap('a'));
  await put('b.yaml', 'kind: ConfigMap\nmetadata: {name: b\n');
  const snapshot = await loadDirectoryOnce(dir);
  assert.deepEqual([snapshot.version, names(snapshot), snapshot.changedFiles], [1, ['a'], ['a.yaml', 'b.yaml']]);
  assert.match(errors(snapshot)[0] ?? '', /^b\.yaml:\d+: YAML syntax error/);
  await assert.rejects(loadDirectoryOnce(path.join(dir, 'missing')), /ENOENT/);
});

test('a file rewritten again and again (truncate, write) never publishes a snapshot without its objects, even when a re-check lands in a later truncation', async () => {
  await put('a.yaml', configMap('a', 'v0'));
  // A debounce far above the empty stretches (30 and 10 ms), so a busy machine
  // that delays the writes never leaves the file empty for a whole debounce.
  const { published, next } = await startProvider({ debounceMs: 300 });
  const before = published.length;
  const file = path.join(dir, 'a.yaml');
  // Each round: truncated, written 30 ms later, truncated again 265 ms after
  // that (near the 300 ms re-check of the first truncation), written again.
  for (let round = 1; round <= 6; round++) {
    await writeFile(file, '');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writeFile(file, configMap('a', `v${round}a`));
    await new Promise((resolve) => setTimeout(resolve, 265));
    await writeFile(file, '');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writeFile(file, configMap('a', `v${round}b`));
  }
  await next((s) => valueOf(s, 'a') === 'v6b');
  await new Promise((resolve) => setTimeout(resolve, 400)); // any re-check still due has run
  const lacking = published.slice(before).filter((s) => !names(s).includes('a'));
  assert.deepEqual(lacking.map((s) => s.version), [], 'snapshots without the object');
});

test('a same-size rewrite that keeps the mtime is still seen while that mtime is within a second of the last read ("racily clean")', async () => {
  await put('a.yaml', configMap('a', 'one'));
  const { next } = await startProvider({ watch: false, rescanIntervalMs: 50 });
  const abs = path.join(dir, 'a.yaml');
  const { mtime } = await stat(abs);
  // The same size and, once restored, the same mtime and inode: only the rescan's racy-window check can tell.
  await writeFile(abs, configMap('a', 'two'));
  await utimes(abs, mtime, mtime);
  assert.equal(valueOf(await next((s) => valueOf(s, 'a') === 'two'), 'a'), 'two');
});
