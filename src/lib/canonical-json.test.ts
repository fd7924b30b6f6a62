import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJSON } from './canonical-json.ts';

test('key order does not change the text; list order does', () => {
  assert.equal(canonicalJSON({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
  assert.equal(canonicalJSON({ a: { c: null, d: [2, 1] }, b: 1 }), canonicalJSON({ b: 1, a: { d: [2, 1], c: null } }));
  assert.notEqual(canonicalJSON([1, 2]), canonicalJSON([2, 1]));
});
