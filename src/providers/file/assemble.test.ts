// ConfigState over a sequence of edits gives what assembling the same files
// afresh gives (objects in order, diagnostics), whether an edit is patched in
// place (an edited file holding the same objects) or assembled whole; and
// generations move on for edited objects either way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from '../../load/index.ts';
import type { FileRecord } from './assemble.ts';
import { ConfigState } from './assemble.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

const configMap = (name: string, value: string, namespace = 'apps') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  key: v${value}\n`;
const service = (name: string, port: number | string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  ports:\n  - port: ${port}\n`;

type Files = Record<string, string>;

/** Files as the provider hands them over: in path order, a file's parse kept while its text is the same. */
class Folder {
  readonly #parsed = new Map<string, { text: string; record: FileRecord }>();

  records(files: Files): FileRecord[] {
    return Object.keys(files).sort().map((rel) => {
      const text = files[rel] as string;
      const known = this.#parsed.get(rel);
      if (known?.text === text) return known.record;
      const record = { rel, parse: parseManifests(text, rel, known?.record.parse) };
      this.#parsed.set(rel, { text, record });
      return record;
    });
  }
}

/** What an assembly holds, comparable across ConfigStates: objects without the metadata the state stamps, and the problems. */
function view(state: ConfigState, files: FileRecord[]): string {
  const assembled = state.assemble(files, NOW);
  const objects = assembled.content.objects.map((object) => ({ ...object, metadata: { ...object.metadata, generation: 0, creationTimestamp: '' } }));
  return JSON.stringify({ objects, resources: (Object.values(assembled.resources) as unknown[][]).map((list) => list.length), diagnostics: assembled.diagnostics });
}

const start: Files = {
  'a.yaml': configMap('a', '1'),
  'b.yaml': `${configMap('b1', '1')}---\n${configMap('b2', '1')}`,
  'c.yaml': service('svc', 80),
  'd.yaml': configMap('d', '1'),
};

/** `history`: what stays in effect depends on the folder before (the last valid version, a broken file's last objects). */
const edits: { name: string; files: Files; history?: true }[] = [
  { name: 'one object edited (patched)', files: { ...start, 'a.yaml': configMap('a', '2') } },
  { name: 'one of two objects in a file edited (patched)', files: { ...start, 'b.yaml': `${configMap('b1', '1')}---\n${configMap('b2', '2')}` } },
  { name: 'two files edited at once (patched)', files: { ...start, 'a.yaml': configMap('a', '3'), 'd.yaml': configMap('d', '3') } },
  { name: 'an object renamed', files: { ...start, 'a.yaml': configMap('a-renamed', '1') } },
  { name: 'an object added to a file', files: { ...start, 'd.yaml': `${configMap('d', '1')}---\n${configMap('d2', '1')}` } },
  { name: 'a file added', files: { ...start, 'e.yaml': configMap('e', '1') } },
  { name: 'a file gone', files: { 'a.yaml': start['a.yaml'] as string, 'b.yaml': start['b.yaml'] as string, 'c.yaml': start['c.yaml'] as string } },
  { name: 'an object made invalid (its last valid version stays)', files: { ...start, 'c.yaml': service('svc', 'not-a-port') }, history: true },
  { name: 'a syntax error (the file keeps its objects)', files: { ...start, 'd.yaml': 'kind: [' }, history: true },
  { name: 'a duplicate in another file', files: { ...start, 'e.yaml': configMap('a', '9') } },
  { name: 'the first of two duplicates edited', files: { ...start, 'a.yaml': configMap('a', '4'), 'e.yaml': configMap('a', '9') } },
];

test('assembling edit after edit gives what assembling the folder afresh gives', () => {
  for (const order of [edits, [...edits].reverse()]) {
    const folder = new Folder();
    const kept = new ConfigState();
    let before = start;
    view(kept, folder.records(before));
    for (const { name, files, history } of order) {
      const fresh = new ConfigState();
      const freshFolder = new Folder();
      if (history) view(fresh, freshFolder.records(before));
      assert.equal(view(kept, folder.records(files)), view(fresh, freshFolder.records(files)), name);
      before = files;
    }
  }
});

test('an edited object (patched in place) gets the next generation; the others keep theirs and stay the same objects', () => {
  const folder = new Folder();
  const state = new ConfigState();
  const first = state.assemble(folder.records(start), NOW);
  const second = state.assemble(folder.records({ ...start, 'b.yaml': `${configMap('b1', '1')}---\n${configMap('b2', '2')}` }), NOW);
  const byName = (assembled: typeof first, name: string) => assembled.resources.configMaps.find((c) => c.metadata.name === name);
  assert.equal(byName(second, 'b2')?.metadata.generation, 2);
  assert.equal(byName(second, 'b2')?.data?.key, 'v2');
  assert.equal(byName(second, 'a'), byName(first, 'a'));
  assert.equal(byName(second, 'b1'), byName(first, 'b1'));
  assert.equal(second.resources.services, first.resources.services, 'a kind without edits: the very same list');
  assert.equal(state.assemble(folder.records({ ...start, 'b.yaml': `${configMap('b1', '1')}---\n${configMap('b2', '2')}` }), NOW), second, 'nothing edited: the same assembly');
});
