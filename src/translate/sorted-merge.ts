// Keeping sorted lists sorted as a few elements come and go: the elements
// that stay keep their order, the new ones are sorted on their own and merged
// in. With a total order this is the list a full sort would give, for work in
// proportion to the list plus the changes, not to a sort of the whole list.

/** The first position in `sorted` whose element does not come before `item`. */
function lowerBound<T>(sorted: readonly T[], item: T, compare: (x: T, y: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle] as T, item) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The first position in `sorted` whose element comes after `item`. */
function upperBound<T>(sorted: readonly T[], item: T, compare: (x: T, y: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle] as T, item) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Merges two lists sorted by `compare` into one sorted list (a few into many: by binary search). */
export function mergeSorted<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  if (b.length * 16 < a.length) {
    // As the merge below orders ties: `a`'s first, then `b`'s in their order.
    const merged = [...a];
    for (const item of b) merged.splice(upperBound(merged, item, compare), 0, item);
    return merged;
  }
  const merged: T[] = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as T;
    const y = b[j] as T;
    if (compare(y, x) < 0) {
      merged[k++] = y;
      j++;
    } else {
      merged[k++] = x;
      i++;
    }
  }
  while (i < a.length) merged[k++] = a[i++] as T;
  while (j < b.length) merged[k++] = b[j++] as T;
  return merged;
}

/** `sorted` without `items`, each of which is one of its elements (a few out of many: by binary search). */
export function removeSorted<T>(sorted: readonly T[], items: readonly T[], compare: (x: T, y: T) => number): T[] {
  if (items.length * 16 < sorted.length) {
    const kept = [...sorted];
    for (const item of items) {
      let i = lowerBound(kept, item, compare);
      while (i < kept.length && kept[i] !== item) i++;
      if (i < kept.length) kept.splice(i, 1);
    }
    return kept;
  }
  const gone = new Set(items);
  return sorted.filter((x) => !gone.has(x));
}
