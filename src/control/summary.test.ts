// The reload log's change summary: rules added, removed and changed by name,
// whether or not the unchanged rules are the same objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IR, IRHttpRule } from '../ir/types.ts';
import { summarizeChange } from './summary.ts';

function rule(name: string, status = 200): IRHttpRule {
  return { name, route: { kind: 'HTTPRoute', namespace: 'ns', name: name.split('/')[2] ?? '' }, mirrors: [], backends: [], directResponse: { status } };
}

function ir(rules: IRHttpRule[], port = 8080): IR {
  return { gateways: [{ name: 'gateway/ns/gw', namespace: 'ns', gatewayName: 'gw', backends: { b: { name: 'b', protocol: 'http1', endpoints: [] } }, ports: [{ kind: 'http', name: `gateway/ns/gw/port/${port}`, port, virtualHosts: [], rules }] }] };
}

const a = rule('httproute/ns/a/rule/0');
const b = rule('httproute/ns/b/rule/0');
const c = rule('httproute/ns/c/rule/0');

const cases: { name: string; before: IR | undefined; after: IR; added: string[]; removed: string[]; changed: string[] }[] = [
  { name: 'first load: everything added', before: undefined, after: ir([a, b]), added: [a.name, b.name], removed: [], changed: [] },
  { name: 'same rule objects in a new list: nothing', before: ir([a, b]), after: ir([a, b]), added: [], removed: [], changed: [] },
  { name: 'one added in the middle, one removed', before: ir([a, c]), after: ir([a, b]), added: [b.name], removed: [c.name], changed: [] },
  { name: 'a rule replaced by a different one of the same name', before: ir([a, b]), after: ir([a, rule(b.name, 404)]), added: [], removed: [], changed: [b.name] },
  { name: 'a rule replaced by an equal copy: not a change', before: ir([a, b]), after: ir([{ ...a }, b]), added: [], removed: [], changed: [] },
  { name: 'two added at the front (the lists part): the shifted ones are not changes', before: ir([c, a]), after: ir([b, rule('httproute/ns/d/rule/0'), c, a]), added: [b.name, 'httproute/ns/d/rule/0'], removed: [], changed: [] },
  { name: 'a port gone', before: ir([a, b]), after: { gateways: [] }, added: [], removed: [a.name, b.name], changed: [] },
];

for (const { name, before, after, added, removed, changed } of cases) {
  test(`summarizeChange: ${name}`, () => {
    const summary = summarizeChange(before, after);
    assert.deepEqual(summary.rulesAdded.sort(), added.sort());
    assert.deepEqual(summary.rulesRemoved.sort(), removed.sort());
    assert.deepEqual(summary.rulesChanged.sort(), changed.sort());
  });
}

test('summarizeChange counts rules, backends and ports of the new IR, and lists at most ten names', () => {
  const many = Array.from({ length: 12 }, (_, i) => rule(`httproute/ns/r${i}/rule/0`));
  const summary = summarizeChange(undefined, ir(many, 9090));
  assert.equal(summary.rules, 12);
  assert.equal(summary.backends, 1);
  assert.deepEqual(summary.ports, [9090]);
  assert.equal(summary.rulesAdded.length, 11);
  assert.equal(summary.rulesAdded[10], '…2 more');
});
