// Weighted backend choice (HTTPBackendRef.weight): each backend gets
// weight / sum-of-weights of the requests; weight 0 gets none.
import type { IRWeightedBackend } from '../../ir/types.ts';

export interface WeightedPicker {
  /**
   * The backend share for `random` in [0, 1) (e.g. Math.random()); undefined
   * when there is nothing to pick (no backends, or every weight is 0: the
   * engine answers 500 then, as for a rule without valid backends).
   */
  pick(random: number): IRWeightedBackend | undefined;
}

// Pickers are classes rather than closures: a closure's context keeps every
// variable of compileWeights alive (the filtered list, the bounds) even when
// only one backend is returned, and every rule of every route holds one
// (5,000 routes: ~2 MB of contexts).
const NONE: WeightedPicker = { pick: () => undefined };

class SinglePicker implements WeightedPicker {
  readonly #only: IRWeightedBackend;
  constructor(only: IRWeightedBackend) {
    this.#only = only;
  }
  pick(): IRWeightedBackend {
    return this.#only;
  }
}

class SplitPicker implements WeightedPicker {
  readonly #chosen: readonly IRWeightedBackend[];
  readonly #upperBounds: Float64Array;
  readonly #total: number;
  constructor(chosen: readonly IRWeightedBackend[]) {
    this.#chosen = chosen;
    this.#upperBounds = new Float64Array(chosen.length);
    let total = 0;
    chosen.forEach((backend, i) => {
      total += backend.weight;
      this.#upperBounds[i] = total;
    });
    this.#total = total;
  }
  pick(random: number): IRWeightedBackend | undefined {
    const point = random * this.#total;
    const upperBounds = this.#upperBounds;
    // Binary search for the first share whose upper bound exceeds the point.
    let low = 0;
    let high = upperBounds.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((upperBounds[middle] as number) > point) high = middle;
      else low = middle + 1;
    }
    return this.#chosen[low];
  }
}

export function compileWeights(backends: readonly IRWeightedBackend[]): WeightedPicker {
  const chosen = backends.filter((backend) => backend.weight > 0);
  if (chosen.length === 0) return NONE;
  if (chosen.length === 1) return new SinglePicker(chosen[0] as IRWeightedBackend);
  return new SplitPicker(chosen);
}
