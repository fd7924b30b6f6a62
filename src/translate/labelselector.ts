// metav1.LabelSelector evaluation: matchLabels and matchExpressions are ANDed;
// an empty selector matches every object. Invalid selectors (In/NotIn without
// values, Exists/DoesNotExist with values, unknown operators) are reported,
// as the API server's LabelSelectorAsSelector would.
import type { LabelSelector } from '../model/meta.ts';

export type Labels = Readonly<Record<string, string>>;

export type CompiledSelector = { ok: true; matches: (labels: Labels) => boolean } | { ok: false; error: string };

export function compileLabelSelector(selector: LabelSelector): CompiledSelector {
  const tests: ((labels: Labels) => boolean)[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((labels) => labels[key] === value);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const { key, operator } = expression;
    const values = expression.values ?? [];
    switch (operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0) return { ok: false, error: `matchExpressions: operator ${operator} on "${key}" needs at least one value` };
        const set = new Set(values);
        tests.push(operator === 'In' ? (labels) => labels[key] !== undefined && set.has(labels[key]) : (labels) => labels[key] === undefined || !set.has(labels[key]));
        break;
      }
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return { ok: false, error: `matchExpressions: operator ${operator} on "${key}" takes no values` };
        tests.push(operator === 'Exists' ? (labels) => labels[key] !== undefined : (labels) => labels[key] === undefined);
        break;
      default:
        return { ok: false, error: `matchExpressions: unknown operator "${String(operator)}" on "${key}"` };
    }
  }
  return { ok: true, matches: (labels) => tests.every((test) => test(labels)) };
}
