import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRHeaderEdits } from '../../ir/types.ts';
import { applyHeaderEdits } from './headers.ts';

const edits = (partial: Partial<IRHeaderEdits>): IRHeaderEdits => ({ set: [], add: [], remove: [], ...partial });

const cases: Array<{ name: string; headers: string[]; edits: IRHeaderEdits; expect: string[] }> = [
  {
    name: 'the HTTPRouteRequestHeaderModifier / RewritePath conformance example',
    headers: ['Host', 'gw', 'X-Header-Remove', 'remove-val', 'X-Header-Add-Append', 'append-val-1', 'X-Header-Set', 'set-val'],
    edits: edits({
      set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }],
      add: [{ name: 'X-Header-Add', value: 'header-val-1' }, { name: 'X-Header-Add-Append', value: 'header-val-2' }],
      remove: ['x-header-remove'],
    }),
    expect: ['Host', 'gw', 'X-Header-Add-Append', 'append-val-1', 'X-Header-Set', 'set-overwrites-values',
      'X-Header-Add', 'header-val-1', 'X-Header-Add-Append', 'header-val-2'],
  },
  {
    name: 'set replaces every line of the name, in place of the first, whatever its case',
    headers: ['a', '1', 'X-Set', 'old-1', 'b', '2', 'x-set', 'old-2'],
    edits: edits({ set: [{ name: 'X-Set', value: 'new' }] }),
    expect: ['a', '1', 'X-Set', 'new', 'b', '2'],
  },
  {
    name: 'set creates a header that is missing',
    headers: ['a', '1'],
    edits: edits({ set: [{ name: 'X-New', value: 'v' }] }),
    expect: ['a', '1', 'X-New', 'v'],
  },
  {
    name: 'add keeps existing lines and appends one more',
    headers: ['x-add', 'one'],
    edits: edits({ add: [{ name: 'X-Add', value: 'two' }] }),
    expect: ['x-add', 'one', 'X-Add', 'two'],
  },
  {
    name: 'remove drops every line of the name, case-insensitively',
    headers: ['X-Gone', '1', 'keep', 'k', 'x-gone', '2', 'X-GONE', '3'],
    edits: edits({ remove: ['x-gone'] }),
    expect: ['keep', 'k'],
  },
  {
    name: 'remove of an absent header changes nothing',
    headers: ['keep', 'k'],
    edits: edits({ remove: ['x-absent'] }),
    expect: ['keep', 'k'],
  },
  {
    name: 'edits apply as set, then add, then remove',
    headers: ['x-both', 'old'],
    edits: edits({ set: [{ name: 'x-both', value: 'set' }], add: [{ name: 'x-both', value: 'added' }, { name: 'x-gone', value: 'added' }], remove: ['x-gone'] }),
    expect: ['x-both', 'set', 'x-both', 'added'],
  },
  {
    name: 'values are kept as given, including empty ones',
    headers: ['x-empty', ''],
    edits: edits({ set: [{ name: 'x-set', value: '' }] }),
    expect: ['x-empty', '', 'x-set', ''],
  },
];

test('header edits', () => {
  for (const { name, headers, edits: headerEdits, expect } of cases) {
    const before = [...headers];
    assert.deepEqual(applyHeaderEdits(headers, headerEdits), expect, name);
    assert.deepEqual(headers, before, `${name}: the input is not modified`);
  }
});

test('empty edits return the input array itself (nothing to copy)', () => {
  const headers = ['a', '1'];
  assert.equal(applyHeaderEdits(headers, edits({})), headers);
});
