import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from './random-world.ts';
import { mergeSorted, removeSorted } from './sorted-merge.ts';

const byValue = (a: { value: number }, b: { value: number }) => a.value - b.value;

test('merging and removing keep a list as a full sort would, a few or many at a time (ties: the kept ones first)', () => {
  const random = new Random(7);
  for (let round = 0; round < 300; round++) {
    const size = random.int(200);
    const list = Array.from({ length: size }, (_, id) => ({ value: random.int(50), id })).sort(byValue);
    const gone = list.filter(() => random.chance(round % 2 === 0 ? 0.02 : 0.5));
    const added = Array.from({ length: random.int(round % 3 === 0 ? 40 : 4) }, (_, i) => ({ value: random.int(50), id: size + i })).sort(byValue);

    const kept = removeSorted(list, gone, byValue);
    assert.deepEqual(kept, list.filter((item) => !gone.includes(item)), `round ${round}: removal`);
    const merged = mergeSorted(kept, added, byValue);
    // Array.prototype.sort is stable: kept items before added ones of the same value, each in its own order.
    assert.deepEqual(merged, [...kept, ...added].sort(byValue), `round ${round}: merge`);
  }
});
