import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelector } from '../model/meta.ts';
import { compileLabelSelector } from './labelselector.ts';

const labels = { team: 'a', env: 'prod' };

test('label selectors: matchLabels and matchExpressions are ANDed; empty matches all', () => {
  const table: [LabelSelector, boolean][] = [
    [{}, true],
    [{ matchLabels: { team: 'a' } }, true],
    [{ matchLabels: { team: 'b' } }, false],
    [{ matchLabels: { team: 'a', env: 'dev' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'In', values: ['x'] }] }, false],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { team: 'a' }, matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, false],
  ];
  for (const [selector, expected] of table) {
    const compiled = compileLabelSelector(selector);
    assert.ok(compiled.ok, JSON.stringify(selector));
    assert.equal(compiled.matches(labels), expected, JSON.stringify(selector));
  }
});

test('invalid label selectors are reported, as the API server would', () => {
  const invalid: LabelSelector[] = [
    { matchExpressions: [{ key: 'team', operator: 'In' }] },
    { matchExpressions: [{ key: 'team', operator: 'NotIn', values: [] }] },
    { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] },
    { matchExpressions: [{ key: 'team', operator: 'Equals' as 'In', values: ['a'] }] },
  ];
  for (const selector of invalid) assert.equal(compileLabelSelector(selector).ok, false, JSON.stringify(selector));
});
