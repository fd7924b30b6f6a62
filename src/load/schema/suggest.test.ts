import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from './suggest.ts';

test('edit distance counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('prot', 'port'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', 'abc'), 0);
});

test('suggests a close known name, or nothing', () => {
  const known = ['backendRefs', 'filters', 'matches', 'port'];
  assert.equal(closestName('backendRef', known), 'backendRefs');
  assert.equal(closestName('prot', known), 'port');
  assert.equal(closestName('Matches', known), 'matches');
  assert.equal(closestName('timeout', known), undefined);
});
