import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regexLiteralPrefix } from './regex-prefix.ts';

const cases: Array<[pattern: string, prefix: string]> = [
  ['/api/v[0-9]+/.*', '/api/v'],
  ['^/api/.*', '/api/'],
  ['/static/.*\\.css', '/static/'],
  ['/exact', '/exact'],
  ['/exact$', '/exact'],
  ['/ab?', '/a'],
  ['/ab*', '/a'],
  ['/ab{0,2}', '/a'],
  ['/ab+', '/ab'],
  ['/a\\.b', '/a.b'],
  ['/a\\.?b', '/a'],
  ['/a\\d+', '/a'],
  ['/a/(v1|v2)/.*', '/a/'],
  ['/a|/b', ''],
  ['(/a)|/b', ''],
  ['/a[|]b|/c', ''],
  ['/a[|]b', '/a'],
  ['/a[]|]b', '/a'],
  ['/a[[:alpha:]|]x', '/a'],
  ['(?i)/api', ''],
  ['.*', ''],
  ['\\Q/a|b\\E', ''],
  ['/caf\u00e9', '/caf'],
  ['', ''],
];

test('the literal prefix every match of a regex starts with', () => {
  for (const [pattern, prefix] of cases) assert.equal(regexLiteralPrefix(pattern), prefix, pattern);
});
