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

export function compileWeights(backends: IRWeightedBackend[]): WeightedPicker {
  const chosen = backends.filter((backend) => backend.weight > 0);
  const upperBounds: number[] = [];
  let total = 0;
  for (const backend of chosen) {
    total += backend.weight;
    upperBounds.push(total);
  }
  if (chosen.length === 0) return { pick: () => undefined };
  const only = chosen[0] as IRWeightedBackend;
  if (chosen.length === 1) return { pick: () => only };
  return {
    pick(random: number): IRWeightedBackend | undefined {
      const point = random * total;
      // Binary search for the first share whose upper bound exceeds the point.
      let low = 0;
      let high = upperBounds.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((upperBounds[middle] as number) > point) high = middle;
        else low = middle + 1;
      }
      return chosen[low];
    },
  };
}
