// Re-parsing a file with its previous result: whatever the edit, the result
// is the one a fresh parse gives (objects, lines, diagnostics), and
// documents whose text did not change come back as the same instances.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParseResult } from './index.ts';
import { parseManifests } from './index.ts';

const configMap = (name: string, value = 'v') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: ${value}\n`;
const stream = (...docs: string[]) => docs.join('---\n');

/** Everything a parse shows, for comparing a reused parse with a fresh one. */
function shown(result: ParseResult): unknown {
  return {
    objects: result.objects.map(({ object, source }) => [JSON.stringify(object), source]),
    rejected: result.rejected,
    diagnostics: result.diagnostics,
    syntaxError: result.syntaxError,
  };
}

function reparse(before: string, after: string, file = 'a.yaml'): { previous: ParseResult; next: ParseResult } {
  const previous = parseManifests(before, file);
  const next = parseManifests(after, file, previous);
  assert.deepStrictEqual(shown(next), shown(parseManifests(after, file)), 'a reused parse equals a fresh one');
  return { previous, next };
}

/** For each object of `next`, whether it is the same instance as the object of that name in `previous`. */
function sameInstances(previous: ParseResult, next: ParseResult): Record<string, boolean> {
  return Object.fromEntries(next.objects.map(({ object }) => [object.metadata.name, previous.objects.some((p) => p.object === object)]));
}

test('edits anywhere in a file: unchanged documents are reused, lines move with the edit', () => {
  const docs = ['a', 'b', 'c', 'd'].map((n) => configMap(n));
  const edits: [string, string, Record<string, boolean>][] = [
    ['change one in the middle', stream(docs[0]!, docs[1]!, configMap('c', 'changed'), docs[3]!), { a: true, b: true, c: false, d: true }],
    ['insert one (those after it move down)', stream(docs[0]!, configMap('new'), docs[1]!, docs[2]!, docs[3]!), { a: true, new: false, b: true, c: true, d: true }],
    ['remove one (those after it move up)', stream(docs[0]!, docs[2]!, docs[3]!), { a: true, c: true, d: true }],
    ['grow one by a line', stream(docs[0]!, `${configMap('b')}  more: x\n`, docs[2]!, docs[3]!), { a: true, b: false, c: true, d: true }],
    // A document's text includes the markers around it: the first and the last are read again.
    ['reverse the order', stream(docs[3]!, docs[2]!, docs[1]!, docs[0]!), { d: false, c: true, b: true, a: false }],
    ['change the first and the last', stream(configMap('a', 'x'), docs[1]!, docs[2]!, configMap('d', 'x')), { a: false, b: true, c: true, d: false }],
    ['add a leading marker and a comment', `---\n# note\n${stream(...docs)}`, { a: false, b: true, c: true, d: true }],
  ];
  for (const [name, after, expected] of edits) {
    const { previous, next } = reparse(stream(...docs), after);
    assert.deepEqual(sameInstances(previous, next), expected, name);
  }
});

test('diagnostics of reused documents move with them', () => {
  const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: [not, a, string]\n';
  const { next } = reparse(stream(configMap('a'), bad), stream(configMap('a'), configMap('inserted'), bad));
  assert.deepEqual(next.diagnostics.map((d) => d.line), [20]);
  assert.deepEqual(next.rejected.map((r) => r.source.line), [15]);
});

test('two documents with the same text are two objects', () => {
  const { previous, next } = reparse(stream(configMap('x'), configMap('y')), stream(configMap('x'), configMap('x'), configMap('y')));
  assert.notEqual(next.objects[0]?.object, next.objects[1]?.object);
  assert.equal(next.objects.filter((o) => previous.objects.some((p) => p.object === o.object)).length, 2);
});

test('another file, or a broken document taking in the rest, is read afresh', () => {
  const text = stream(configMap('a'), configMap('b'));
  const other = parseManifests(text, 'b.yaml', parseManifests(text, 'a.yaml'));
  assert.deepEqual(other.objects.map((o) => o.source.file), ['b.yaml', 'b.yaml']);

  // An unclosed quote with no closing one after it runs to the end of the stream.
  const broken = stream(configMap('a'), configMap('b', '"unclosed'), configMap('c'));
  const { next } = reparse(text, broken);
  assert.equal(next.syntaxError, true);
  assert.deepEqual(next.objects.map((o) => o.object.metadata.name), ['a']);
  reparse(broken, text);
});
