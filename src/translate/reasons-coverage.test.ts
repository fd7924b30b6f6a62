// Every condition reason translate can write appears in some golden output,
// so each one is pinned by a case a reviewer has read. PortUnavailable
// cannot occur: translate does not know which ports the host can bind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GatewayClassReason, GatewayReason, ListenerReason, ListenerSetReason, RouteReason } from './status/reasons.ts';

const NOT_REACHABLE_YET = new Set(['PortUnavailable']);

test('every reason appears in a golden output', () => {
  const dir = join(import.meta.dirname, 'testdata');
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.out.yaml'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const written = new Set([...text.matchAll(/^\s+reason: (\S+)$/gm)].map((m) => m[1]));
  const reasons = new Set([...Object.values(GatewayClassReason), ...Object.values(GatewayReason), ...Object.values(ListenerReason), ...Object.values(ListenerSetReason), ...Object.values(RouteReason)]);
  const missing = [...reasons].filter((r) => !written.has(r) && !NOT_REACHABLE_YET.has(r));
  assert.deepEqual(missing, []);
});
