import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex } from './regex.ts';

test('a regex matches the whole input', () => {
  const result = compileRegex('/api/v[0-9]+/.*');
  assert.ok(result.ok);
  assert.equal(result.regex.test('/api/v1/users'), true);
  assert.equal(result.regex.test('/x/api/v1/users'), false);
});

test('an invalid pattern is an error, not a throw', () => {
  const result = compileRegex('a(b');
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.error, /missing closing \)/);
});

test('lookarounds and backreferences are refused (not linear-time)', () => {
  assert.equal(compileRegex('(?=a)a').ok, false);
  assert.equal(compileRegex('(a)\\1').ok, false);
});

test('a pattern that backtracks exponentially elsewhere stays linear', () => {
  const result = compileRegex('(a+)+$');
  assert.ok(result.ok);
  // 50,000 characters: a backtracking engine would never finish this.
  assert.equal(result.regex.test('a'.repeat(50_000) + '!'), false);
});
