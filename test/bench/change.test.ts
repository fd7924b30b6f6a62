// The change and scale benches' building blocks: the manifests they write load
// without a diagnostic, the edit sequence really changes the route every time
// while accepting the steady client's request, the status diff counts what
// changed, and Portico's admin outputs are read right. (The benches themselves
// are scripts: npm run bench:change, npm run bench:scale.)
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { startTrackingBackend } from '../../bench/change/backends.ts';
import { nextAppState } from '../../bench/change/edits.ts';
import { countStatusChanges, statusMap } from '../../bench/change/status.ts';
import { GATEWAY_NAMESPACE, exactMatch, gatewayYaml, httpRouteYaml, prefixAndHeaderMatch, prefixMatch, responseHeaderFilter, serviceYaml } from '../../bench/gateway-yaml.ts';
import { parseReloadLog, versionFromMetrics } from '../../bench/portico-process.ts';
import { loadDirectoryOnce } from '../../src/providers/file/index.ts';

test('the bench manifests load without a diagnostic: gateway, namespaces, services with per-endpoint slices, every route shape', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-yaml-'));
  try {
    const route = httpRouteYaml({
      name: 'app',
      namespace: 'team-1',
      hostnames: ['app.example'],
      rules: [
        { matches: [prefixAndHeaderMatch('/app', 'x-bench', 'steady'), exactMatch('/app/item')], filters: [responseHeaderFilter('x-edit', '7')], backends: [{ name: 'blue', namespace: GATEWAY_NAMESPACE, weight: 90 }, { name: 'green', namespace: GATEWAY_NAMESPACE, weight: 10 }] },
        { matches: [prefixMatch('/')], backends: [{ name: 'blue', namespace: GATEWAY_NAMESPACE }] },
      ],
    });
    await writeFile(join(dir, 'all.yaml'), [gatewayYaml(8080, ['team-1']), serviceYaml('blue', GATEWAY_NAMESPACE, [9001, 9002]), serviceYaml('green', GATEWAY_NAMESPACE, []), route].join('---\n'));
    const snapshot = await loadDirectoryOnce(dir);
    assert.deepEqual(snapshot.diagnostics, []);
    assert.equal(snapshot.resources.endpointSlices.length, 2, 'one slice per endpoint port');
    assert.deepEqual(snapshot.resources.endpointSlices.map((slice) => slice.metadata.name), ['blue-9001', 'blue-9002']);
    const rules = snapshot.resources.httpRoutes[0]?.spec.rules ?? [];
    assert.equal(rules[0]?.matches?.[0]?.headers?.[0]?.value, 'steady');
    assert.equal(rules[0]?.backendRefs?.[1]?.weight, 10);
    assert.equal(rules[0]?.filters?.[0]?.type, 'ResponseHeaderModifier');
    assert.deepEqual(snapshot.resources.namespaces.map((namespace) => namespace.metadata.name).sort(), ['bench', 'team-1']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('route edits: every edit changes the route, and every version still accepts GET /app/item with x-bench: steady', () => {
  let state = { matches: [prefixMatch('/app')], backends: [{ name: 'blue' } as { name: string; weight?: number }] };
  const seen = new Set<string>();
  let previous = JSON.stringify(state);
  for (let i = 0; i < 30; i++) {
    state = nextAppState(state, i);
    const text = JSON.stringify(state);
    assert.notEqual(text, previous, `edit ${i} changed nothing`);
    previous = text;
    seen.add(['swap', 'weights', 'match'][i % 3] as string);
    // Every match set accepts the steady request: a prefix of /app, or the exact path.
    assert.ok(state.matches.some((match) => /value: \/app\/?\n|value: \/app\/item/.test(`${match}\n`)), `edit ${i}: ${state.matches.join(' | ')}`);
    assert.ok(state.matches.every((match) => !/headers/.test(match) || /value: steady/.test(match)));
  }
  assert.equal(seen.size, 3);
});

test('status diff: new and changed statuses count, unchanged ones do not', () => {
  const entry = (name: string, accepted: string) => ({ kind: 'HTTPRoute', metadata: { namespace: 'bench', name }, status: { parents: [{ conditions: [{ type: 'Accepted', status: accepted }] }] } });
  const before = statusMap([entry('a', 'True'), entry('b', 'True')]);
  assert.equal(countStatusChanges(before, [entry('a', 'True'), entry('b', 'True')]), 0);
  assert.equal(countStatusChanges(before, [entry('a', 'True'), entry('b', 'False'), entry('c', 'True')]), 2);
});

test('the configuration version from Prometheus text, and reload timings from Portico\'s log', () => {
  assert.equal(versionFromMetrics('# HELP portico_config_version x\n# TYPE portico_config_version gauge\nportico_config_version 42\n'), 42);
  assert.equal(versionFromMetrics('portico_config_version_other 1\n'), undefined);
  const log = [
    '{"level":30,"msg":"configuration loaded","version":1,"translateMs":12.5,"applyMs":3}',
    'not json',
    '{"level":30,"msg":"configuration reloaded","version":3,"translateMs":1.25,"applyMs":0.5}',
    '{"level":30,"msg":"portico serving"}',
  ].join('\n');
  assert.deepEqual(parseReloadLog(log), [{ version: 1, translateMs: 12.5, applyMs: 3 }, { version: 3, translateMs: 1.25, applyMs: 0.5 }]);
});

test('tracking backend: arrivals since a moment, in order, with the client\'s sequence numbers', async () => {
  const backend = await startTrackingBackend('b');
  try {
    const get = (path: string) => fetch(`http://127.0.0.1:${backend.port}${path}`).then((response) => response.text());
    assert.equal(await get('/x?seq=7'), 'b');
    const middle = performance.now();
    await get('/x?seq=8');
    await get('/x');
    assert.equal(backend.count, 3);
    assert.deepEqual(backend.arrivalsSince(middle).map((arrival) => arrival.seq), [8, -1]);
    assert.equal(backend.arrivalsSince(0).length, 3);
  } finally {
    await backend.close();
  }
});
