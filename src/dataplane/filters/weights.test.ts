import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRWeightedBackend } from '../../ir/types.ts';
import { compileWeights } from './weights.ts';

/** How often each backend is picked over an even sweep of [0, 1). */
function shares(backends: IRWeightedBackend[], steps = 1000): Record<string, number> {
  const picker = compileWeights(backends);
  const counts: Record<string, number> = {};
  for (let i = 0; i < steps; i++) {
    const picked = picker.pick(i / steps);
    const key = picked === undefined ? '(none)' : picked.backend ?? `status ${picked.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

test('backends are picked in proportion to their weights', () => {
  assert.deepEqual(shares([{ weight: 1, backend: 'a' }, { weight: 3, backend: 'b' }]), { a: 250, b: 750 });
  assert.deepEqual(shares([{ weight: 70, backend: 'a' }, { weight: 20, backend: 'b' }, { weight: 10, backend: 'c' }]), { a: 700, b: 200, c: 100 });
});

test('weight 0 is never picked', () => {
  assert.deepEqual(shares([{ weight: 0, backend: 'zero' }, { weight: 1, backend: 'a' }, { weight: 0, backend: 'z2' }, { weight: 1, backend: 'b' }]), { a: 500, b: 500 });
});

test('invalid backends (a status instead of a backend) get their share', () => {
  assert.deepEqual(shares([{ weight: 1, backend: 'a' }, { weight: 1, status: 500 }]), { a: 500, 'status 500': 500 });
});

test('nothing to pick: no backends, or every weight 0', () => {
  assert.deepEqual(shares([]), { '(none)': 1000 });
  assert.deepEqual(shares([{ weight: 0, backend: 'a' }]), { '(none)': 1000 });
});

test('the ends of [0, 1) pick the first and last backend', () => {
  const picker = compileWeights([{ weight: 1, backend: 'a' }, { weight: 1, backend: 'b' }, { weight: 1, backend: 'c' }]);
  assert.equal(picker.pick(0)?.backend, 'a');
  assert.equal(picker.pick(0.9999999999)?.backend, 'c');
});
