// The fast reader against the yaml package: what it reads, it reads exactly
// as the yaml package does (values, types, -0, key order); what it cannot,
// it declines. Tables pin both sides; a seeded fuzz of broken manifests
// checks that nothing it accepts is read differently or is an error there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastLocator, hasOnlyUsualCharacters, readFastDocument } from './fast-reader.ts';
import { readWithYamlPackage } from './read.ts';
import { CORPUS, mutate, pathsIn, seededRandom } from './test-support.ts';

function fast(text: string): unknown {
  if (!hasOnlyUsualCharacters(text)) return undefined;
  return readFastDocument(text, 0, text.length)?.value;
}

/** The yaml package's value, or undefined when it reports any problem or finds other than one document. */
function reference(text: string): unknown {
  const docs = readWithYamlPackage(text);
  const [doc] = docs;
  return docs.length === 1 && doc !== undefined && doc.problems.length === 0 ? doc.value : undefined;
}

test('the fast reader reads the common forms exactly as the yaml package does', () => {
  const cases = [
    'a: 1',
    'a  : b',
    '"a" : b',
    "'a': b",
    'a: b #c',
    'a: b#c',
    'a: x #',
    'a: b   ',
    'a: [a, b]',
    'a: [a b, c]',
    'a: [ ]',
    'a: { }',
    'a: [a,b]',
    'a: {a: 1,b: 2}',
    'a: {x: 1, y: [2]}',
    'a: {url: http://x}',
    'a: [[1, 2], {b: [c]}]',
    'a: [a#b]',
    'a: [b] # c',
    'a: ["b" , c ]',
    'a: "x\\ty\\u00e9\\x41\\U0001F600\\"\\\\\\/"',
    "a: 'it''s'",
    'a: ""',
    "a: ''",
    "a: 'x' ",
    'a: "x: y"',
    'a: x:y',
    'a: 12:30',
    'a: a,b',
    'a: a]',
    'a: -b',
    'a: ---',
    'a: é',
    'a:\n- 1\n- 2',
    'a:\n  - 1\nb: 2',
    'a:\n -  x\n -  y',
    'a:\n  -   b: 1\n      c: 2',
    'a:\n- b: 1\n  c:\n  - d\n- e',
    'a:\n- \n  b: 1\n-\n- x',
    'a:\n  b:\n    c: 1\n  d: 2',
    'a:   \n  b: 1',
    'a:\n\n  b: 1\n\n',
    'a: b\n  # an indented comment\nd: e',
    '# c\na: 1\n# d\n',
    '  a: 1\n  b: 2',
    'x: 1\r\ny: 2\r\n',
    'toString: 1\nconstructor: 2\nhasOwnProperty: 3',
    'name: a\nnamespace: b\ntype: c\nfilters: d\nNaming: e\nTLS: f',
    'b: 1\na: 2\n"10": x',
    'Aa: 1\nBB: 2\nAaBB: 3\nBBAa: 4\nAa2: 5', // keys whose hashes collide (see KNOWN_KEYS)
  ];
  for (const text of cases) {
    const value = fast(text);
    assert.notEqual(value, undefined, `declined: ${JSON.stringify(text)}`);
    assert.deepStrictEqual(value, reference(text), JSON.stringify(text));
  }
});

test('plain scalars resolve by the YAML 1.2 core schema, as in the yaml package', () => {
  const scalars = [
    '0', '-0', '+0', '007', '-08', '+1', '1_000', '0o17', '0o8', '0o', '0x1F', '0xg', '0x', '0b101',
    '1.0', '1.50', '.5', '+.5', '5.', '-.', '.', '1e3', '1E-3', '0.1e+5', '1e', '1.2.3', '9007199254740993',
    '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'nan', 'inf',
    'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
    '~', 'null', 'Null', 'NULL', 'nULL', 'nil', '+', '-1x', 'x1', '--',
  ];
  for (const scalar of scalars) {
    const text = `a: ${scalar}\nb: [${scalar}]\n`;
    const value = fast(text);
    assert.notEqual(value, undefined, `declined: ${scalar}`);
    assert.deepStrictEqual(value, reference(text), scalar);
  }
});

test('the fast reader leaves to the yaml package what it does not read', () => {
  const declined = [
    '- a', // a root sequence
    '42', // a root scalar
    '{a: 1}', // a root flow mapping
    'a: &x 1', // anchors, aliases, tags
    'a: *x',
    'a: !t 1',
    'a: |\n  x', // block scalars
    'a: >\n  x',
    'a: x\n  y', // a multi-line plain scalar
    'a: "x\n  y"', // quoted scalars and flow collections over lines
    'a: [1,\n 2]',
    'a: "x\\\n y"',
    '? a\n: b', // explicit keys
    '1: a', // keys that are not strings
    'true: b',
    'null: c',
    '~: d',
    'a: b\na: c', // duplicate keys
    '"a": 1\na: 2',
    'a: {b: 1, b: 2}',
    '__proto__: 1',
    '<<: {a: 1}', // merge keys
    'a: [a: b]', // a pair in a flow sequence
    'a: [a, , b]',
    'a: [a, b, ]',
    'a: {b: }',
    'a: {"b":1}',
    'a: b:', // mistakes the yaml package reports
    'a: b: c',
    'a: - b',
    'a: -',
    'a: "\\q"',
    'a: "unclosed',
    'a: [b]#c',
    'a: "b"#c',
    'a: [a #b]',
    '  a: 1\nb: 2',
    'a: 1\n- b',
    'a:\n  b: 1\n c: 2',
    'k: @x',
    'k: `x',
    'k: %x',
    'a:\tb', // tabs and unusual characters
    'a: b\rc: d',
    'a: \u0085',
    'a: \uFEFFb',
    `${'k'.repeat(1100)}: v`, // an implicit key longer than 1024 characters
  ];
  for (const text of declined) assert.equal(fast(text), undefined, JSON.stringify(text));
});

test('fuzz: whatever the fast reader accepts, the yaml package reads the same, without problems', () => {
  const random = seededRandom(20261122);
  let accepted = 0;
  const runs = 4000;
  for (let i = 0; i < runs; i++) {
    const text = mutate(CORPUS[i % CORPUS.length] as string, random, 2);
    const value = fast(text);
    if (value === undefined) continue;
    accepted++;
    assert.deepStrictEqual(value, reference(text), JSON.stringify(text));
  }
  // The fuzz exercises both sides: many mutations leave valid YAML the fast reader takes.
  assert.ok(accepted > runs / 10, `only ${accepted} of ${runs} accepted`);
});

test('the root line is the line of the first key, after comments and blank lines', () => {
  const text = '\n# comment\n\n  # another\nkind: Service\n';
  assert.deepEqual(readFastDocument(text, 0, text.length), { value: { kind: 'Service' }, line: 4 });
  assert.deepEqual(readFastDocument('# only a comment\n\n', 0, 18), { value: null, line: 0 });
});

test('fastLocator finds the line of every field, and of paths past the end, as the yaml package does', () => {
  const corpus = CORPUS.filter((text) => fast(text) !== undefined); // one uses "- - x", which it leaves to the yaml package
  assert.equal(corpus.length, CORPUS.length - 1);
  const texts = [
    ...corpus,
    'a:\n- \n- x\n', // an empty item is on its dash's line
    'a:\n-\n\n  # c\n- x\n',
    'a:\n  -   # c\n  - x\n',
    'a:\n-\n  b: 1\n', // a nested item starts where its block does
    'a:\n- \nb: 1\n',
    'a: \nb:\n\n  c: 1\n',
    'k: [a, [b, c]]\nm: {x: 1, "y": {z: 2}}\n"80": port\n',
  ];
  for (const text of texts) {
    const locate = fastLocator(text, 0, text.length);
    assert.ok(locate !== undefined, JSON.stringify(text));
    const [doc] = readWithYamlPackage(text);
    const paths = [...pathsIn(doc?.value), ['a', 5], ['a', 0, 'deeper'], [80], ['80']];
    assert.deepStrictEqual(
      paths.map((path) => [path.join('.'), locate(path) + 1]),
      paths.map((path) => [path.join('.'), doc?.lineOf(path)]),
      JSON.stringify(text),
    );
  }
});
