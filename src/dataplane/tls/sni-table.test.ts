import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSniTable } from './sni-table.ts';

const entries = ['shop.example.com', '*.example.com', '*.eu.example.com', '*.test', '*'].map((hostname) => ({ hostname }));

test('server name → entry: exact, then the longest wildcard suffix, then "*"', () => {
  const table = compileSniTable(entries);
  const cases: Array<[string | undefined, string | undefined]> = [
    ['shop.example.com', 'shop.example.com'],
    ['blog.example.com', '*.example.com'],
    ['a.b.c.example.com', '*.example.com'],
    ['paris.eu.example.com', '*.eu.example.com'],
    ['x.paris.eu.example.com', '*.eu.example.com'],
    ['eu.example.com', '*.example.com'],
    // A wildcard needs a label in front: the apex falls to "*".
    ['example.com', '*'],
    ['a.test', '*.test'],
    ['test', '*'],
    ['.example.com', '*'],
    ['unrelated.org', '*'],
    ['', '*'],
    [undefined, '*'],
  ];
  for (const [name, expected] of cases) assert.equal(table.select(name)?.hostname, expected, String(name));
});

test('without "*", names nothing else takes (and clients without SNI) select nothing', () => {
  const table = compileSniTable(entries.filter((entry) => entry.hostname !== '*'));
  assert.equal(table.select('example.com'), undefined);
  assert.equal(table.select(undefined), undefined);
  assert.equal(table.select('api.example.com')?.hostname, '*.example.com');
});

test('patterns compare lowercase; the first of two equal patterns wins', () => {
  const first = { hostname: 'API.example.com', id: 1 };
  const second = { hostname: 'api.example.com', id: 2 };
  assert.equal(compileSniTable([first, second]).select('api.example.com')?.id, 1);
});
