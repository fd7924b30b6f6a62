import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition } from '../../model/meta.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './conditions.ts';

const before: Condition[] = [
  { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'old', observedGeneration: 1, lastTransitionTime: '2025-01-01T00:00:00Z' },
  { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'old', lastTransitionTime: '2025-01-01T00:00:00Z' },
];

test('lastTransitionTime is kept while a condition keeps its status, and moves when it changes', () => {
  const now = '2026-06-06T00:00:00Z';
  const conditions = finalizeConditions(
    [conditionTrue('Accepted', 'Accepted', 'new message'), conditionFalse('ResolvedRefs', 'BackendNotFound', 'gone'), conditionTrue('PartiallyInvalid', 'UnsupportedValue', 'Dropped Rule(s) 1')],
    before,
    { now, generation: 4 },
  );
  assert.deepEqual(
    conditions.map((c) => [c.type, c.lastTransitionTime, c.observedGeneration, c.message]),
    [
      ['Accepted', '2025-01-01T00:00:00Z', 4, 'new message'],
      ['ResolvedRefs', now, 4, 'gone'],
      ['PartiallyInvalid', now, 4, 'Dropped Rule(s) 1'],
    ],
  );
});

test('observedGeneration is left out when the object has no generation', () => {
  const [condition] = finalizeConditions([conditionTrue('Accepted', 'Accepted', 'ok')], undefined, { now: 'T', generation: undefined });
  assert.equal(condition !== undefined && 'observedGeneration' in condition, false);
  assert.equal(condition?.lastTransitionTime, 'T');
});
