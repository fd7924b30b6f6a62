// Reading a stream document by document (split at markers, fast reader or
// yaml package per document) against the yaml package reading the whole
// stream: the same documents, values, problems (message and line), and the
// same line for every field. Streams are built from the corpus and broken at
// random, so errors land inside documents and across their boundaries.
//
// One difference is deliberate: the yaml package, reading a whole stream,
// files some parser errors (an unexpected token early in a document) under
// the document before, which then has no value while the broken one does.
// Read document by document, every error stays with its own document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { countNewlines, splitDocuments } from './documents.ts';
import { hasOnlyUsualCharacters } from './fast-reader.ts';
import type { ReadDocument, YamlProblem } from './read.ts';
import { readSlice } from './read-slice.ts';
import { readWithYamlPackage } from './read.ts';
import { CORPUS, mutate, pathsIn, seededRandom } from './test-support.ts';

/** The stream read document by document, or undefined when it must be read whole. */
function readBySlices(text: string): ReadDocument[] | undefined {
  const slices = splitDocuments(text);
  if (slices === undefined) return undefined;
  const usual = hasOnlyUsualCharacters(text);
  const docs: ReadDocument[] = [];
  let line = 0;
  for (const [i, slice] of slices.entries()) {
    const read = readSlice(text, slice, line, usual);
    docs.push(...read.documents);
    if (read.toEnd) break;
    line += countNewlines(text, slice.outerStart, slices[i + 1]?.outerStart ?? text.length);
  }
  return docs;
}

interface Shown {
  root: number;
  value: unknown;
  problems: YamlProblem[];
  lines: [string, number][];
}

/** What a document shows: value, problems, and the line of each field (empty documents show nothing). */
function shown(docs: readonly ReadDocument[]): Shown[] {
  return docs
    .filter((doc) => doc.problems.length > 0 || (doc.value !== null && doc.value !== undefined))
    .map((doc) => ({
      root: doc.lineOf([]),
      value: doc.value,
      problems: doc.problems,
      lines: pathsIn(doc.value).map((path): [string, number] => [path.join('.'), doc.lineOf(path)]),
    }));
}

/** 'same' when read alike; 'attributed' when they differ only in which document an error is filed under. */
function compareWithWholeStream(text: string): 'same' | 'attributed' | 'not split' {
  const bySlices = readBySlices(text);
  if (bySlices === undefined) return 'not split';
  const mine = shown(bySlices);
  const whole = shown(readWithYamlPackage(text));
  if (isDeepStrictEqual(mine, whole)) return 'same';
  const context = JSON.stringify(text);
  const allProblems = (docs: Shown[]) => docs.flatMap((doc) => doc.problems.map((p) => JSON.stringify(p))).sort();
  assert.deepStrictEqual(allProblems(mine), allProblems(whole), context);
  // Every document that one side reads without problems, the other reads the same, or files an error under.
  for (const [one, other] of [[mine, whole], [whole, mine]] as const) {
    for (const doc of one.filter((d) => d.problems.length === 0)) {
      const counterpart = other.find((d) => d.root === doc.root);
      assert.ok(counterpart !== undefined, `${context}: no document at line ${doc.root}`);
      if (counterpart.problems.length === 0) assert.deepStrictEqual(counterpart, doc, context);
    }
  }
  return 'attributed';
}


test('document by document reads as the whole stream: values, problems and lines', () => {
  const streams = [
    `${CORPUS[0]}---\n${CORPUS[1]}`,
    `---\n${CORPUS[2]}--- # the next one\n${CORPUS[3]}---\n`,
    '# only comments\n---\n# and more\n---\n',
    'a: 1\n---\n---\nb: 2\n', // an empty document between two
    'kind: A\nx: {a: 1\n---\nkind: B\n', // an unclosed bracket runs into the next marker
    'kind: A\nx: "unclosed\n---\nkind: B\n', // and an unclosed quote
    'kind: A\nx: "unclosed\n', // at the end of the stream
    'a: &x 1\nb: *x\n---\nc: 2\n', // the yaml package for one document, the fast reader for the other
    'a: 1\r\n---\r\nb: 2\r\n',
    'a: 1\n---\tb: 1\n', // content on a marker line: read whole
    '%YAML 1.2\n---\na: 1\n', // a directive: read whole
    'a: 1\n...\n---\nb: 2\n', // a document end marker: read whole
    '---x: 1\n----: 2\n', // lines that look like markers but are not
    'a: b\n  c\n---\nd: e\n  - f\n', // a multi-line scalar, then a bad indentation
  ];
  for (const text of streams) assert.notEqual(compareWithWholeStream(text), 'attributed', JSON.stringify(text));
  assert.deepEqual(['a: 1\n---\tb: 1\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n...\n---\nb: 2\n'].map(splitDocuments), [undefined, undefined, undefined]);
});

test('a syntax error stays with its own document: the valid one before it still reads', () => {
  const text = 'kind: A\n---\n}kind: B\n';
  assert.equal(compareWithWholeStream(text), 'attributed');
  const docs = readBySlices(text) ?? [];
  assert.deepStrictEqual(docs.map((doc) => [doc.value, doc.problems.map((p) => p.line)]), [
    [{ kind: 'A' }, []],
    [undefined, [3]],
  ]);
  // Read whole, the yaml package files the error under the first document and reads the broken one.
  assert.deepStrictEqual(readWithYamlPackage(text).map((doc) => [doc.value, doc.problems.map((p) => p.line)]), [
    [undefined, [3]],
    [{ kind: 'B' }, []],
  ]);
});

test('fuzz: streams broken at random read the same document by document as whole', () => {
  const random = seededRandom(7);
  const separators = ['---\n', '--- # next\n', '---\r\n', '---\n\n'];
  let split = 0;
  let same = 0;
  const runs = 200;
  for (let i = 0; i < runs; i++) {
    const count = 2 + Math.floor(random() * 3);
    const docs = Array.from({ length: count }, () => {
      const doc = CORPUS[Math.floor(random() * CORPUS.length)] as string;
      return random() < 0.5 ? mutate(doc, random, 2) : doc;
    });
    let text = docs.map((doc, d) => (d === 0 ? '' : separators[Math.floor(random() * separators.length)]) + doc).join('');
    if (random() < 0.3) text = mutate(text, random, 1);
    const outcome = compareWithWholeStream(text);
    if (outcome !== 'not split') split++;
    if (outcome === 'same') same++;
  }
  assert.ok(split > runs / 2, `only ${split} of ${runs} streams were split`);
  assert.ok(same > split * 0.9, `only ${same} of ${split} read the same`);
});
