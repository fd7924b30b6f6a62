// The scale bench's manifests and Prometheus series count. (The bench itself is
// a script: npm run bench:scale.)
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { countSeries } from '../../bench/portico-process.ts';
import { allowListenerSets, baseFiles, listenerSetFile, listenerSetRouteYaml, listenerSetYaml, routeFile, scaleRouteYaml, writeFiles, writeRoutes } from '../../bench/scale/manifests.ts';
import { translate } from '../../src/translate/index.ts';
import { loadDirectoryOnce } from '../../src/providers/file/index.ts';

test('scale manifests: routes spread over namespace folders, services per namespace, ListenerSets; all load cleanly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-scale-'));
  try {
    const files = baseFiles(8080, 3, 9000);
    files['gateway.yaml'] = allowListenerSets(files['gateway.yaml'] ?? '');
    for (const j of [0, 1]) files[listenerSetFile(j)] = listenerSetYaml(j, 8080, j);
    files[join('team-0', 'listenerset-routes.yaml')] = listenerSetRouteYaml(1);
    await writeFiles(dir, files);
    await writeRoutes(dir, 10, 3);
    const snapshot = await loadDirectoryOnce(dir);
    assert.deepEqual(snapshot.diagnostics, []);
    assert.equal(snapshot.resources.httpRoutes.length, 11);
    // The ListenerSets are taken, and the route naming one attaches to its listener.
    const statuses = translate(snapshot.resources, { controllerName: 'portico.dev/gateway-controller', now: '2026-01-01T00:00:00Z' }).statuses;
    const accepted = (kind: string, name: string) => JSON.stringify(statuses.find((s) => s.kind === kind && s.metadata.name === name)?.status).includes('"type":"Accepted","status":"True"');
    assert.ok(accepted('ListenerSet', 'listeners-0') && accepted('ListenerSet', 'listeners-1') && accepted('HTTPRoute', 'ls-route-1'));
    assert.deepEqual(new Set(snapshot.resources.httpRoutes.map((route) => route.metadata.namespace)), new Set(['team-0', 'team-1', 'team-2']));
    assert.equal(snapshot.resources.listenerSets[1]?.spec.listeners[0]?.hostname, 'ls-1-v1.example.com');
    assert.equal(snapshot.resources.services.length, 6);
    assert.equal(snapshot.resources.listenerSets.length, 2);
    assert.equal(snapshot.resources.gateways[0]?.spec.allowedListeners?.namespaces?.from, 'All');
    const split = snapshot.resources.httpRoutes.find((route) => route.metadata.name === 'route-5')?.spec.rules?.[0]?.backendRefs;
    assert.deepEqual(split?.map((ref) => [ref.name, ref.weight]), [['app', 90], ['canary', 10]]);
    assert.equal(routeFile(7, 3), join('team-1', 'route-7.yaml'));
    assert.match(scaleRouteYaml(7, 3, { pathVersion: 2 }), /value: \/svc-7-v2\//);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('countSeries counts sample lines and metric families, not comments', () => {
  const text = `# HELP a_total requests
# TYPE a_total counter
a_total{code="2xx"} 3
a_total{code="4xx"} 1
# HELP b gauge
# TYPE b gauge
b 1

`;
  assert.deepEqual(countSeries(text), { series: 3, families: 2 });
});
