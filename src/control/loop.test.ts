// The control loop over several snapshots: statuses of objects a reload did
// not affect stay exactly as they were (lastTransitionTime included), each
// reload logs how many statuses it wrote, and the result equals a fresh
// translate() of the snapshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IR } from '../ir/types.ts';
import type { HTTPRoute } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import type { Snapshot } from '../providers/file/index.ts';
import { memoryLogger } from '../telemetry/log.ts';
import { translate } from '../translate/index.ts';
import { resourcesFromYaml } from '../translate/testing.ts';
import { CONTROLLER_NAME, ControlLoop } from './loop.ts';

const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: portico}
spec: {controllerName: portico.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: portico
  listeners: [{name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: apps}
spec: {ports: [{name: http, port: 80}]}
`;

function route(i: number, path = `/r${i}`): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r${i}, namespace: apps, generation: 1}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules: [{matches: [{path: {type: PathPrefix, value: ${path}}}], backendRefs: [{name: app, port: 80}]}]
`;
}

/** Snapshots as the file provider makes them: unchanged objects stay the same instances. */
class Snapshots {
  #version = 0;
  resources: ResourceSet = resourcesFromYaml(BASE);

  next(change: (resources: ResourceSet) => ResourceSet): Snapshot {
    this.resources = change(this.resources);
    return { version: ++this.#version, resources: this.resources, diagnostics: [], changedFiles: [] };
  }
}

function withRoutes(resources: ResourceSet, routes: HTTPRoute[]): ResourceSet {
  return { ...resources, httpRoutes: routes };
}

test('a reload writes only the statuses it changed; the others stay byte for byte, times included', async () => {
  const logger = memoryLogger();
  let applied: IR | undefined;
  const times = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'];
  const loop = new ControlLoop({
    sink: { apply: (ir) => Promise.resolve((applied = ir)) },
    logger,
    clock: () => new Date(times.shift() ?? '2027-01-01T00:00:00Z'),
  });
  const snapshots = new Snapshots();
  const routes = resourcesFromYaml(Array.from({ length: 20 }, (_, i) => route(i)).join('')).httpRoutes;
  await loop.submit(snapshots.next((r) => withRoutes(r, routes)));
  const first = loop.state.statuses;
  const written = () => logger.entries.filter((e) => e.msg?.startsWith('configuration')).map((e) => (e.obj as { statusesWritten: number }).statusesWritten);
  assert.deepEqual(written(), [22], 'first load: the class, the Gateway and 20 routes');

  // Edit one route: only its status is written (its generation changed); the Gateway's attachedRoutes did not.
  const edited = resourcesFromYaml(route(3, '/moved').replace('generation: 1', 'generation: 2')).httpRoutes;
  await loop.submit(snapshots.next((r) => withRoutes(r, routes.map((x, i) => (i === 3 ? (edited[0] as HTTPRoute) : x)))));
  const second = loop.state.statuses;
  assert.deepEqual(written(), [22, 1]);
  const changed = second.filter((s, i) => JSON.stringify(s) !== JSON.stringify(first[i])).map((s) => s.metadata.name);
  assert.deepEqual(changed, ['r3']);

  // A new route: its status and the Gateway's (attachedRoutes 21).
  const added = resourcesFromYaml(route(20)).httpRoutes;
  await loop.submit(snapshots.next((r) => withRoutes(r, [...r.httpRoutes, ...added])));
  assert.deepEqual(written(), [22, 1, 2]);
  const gateway = loop.state.statuses.find((s) => s.kind === 'Gateway')?.status as { listeners: { attachedRoutes: number }[]; conditions: { lastTransitionTime: string }[] };
  assert.equal(gateway.listeners[0]?.attachedRoutes, 21);
  assert.equal(gateway.conditions[0]?.lastTransitionTime, '2026-01-01T00:00:00.000Z', 'conditions that did not change keep their time');

  // The same snapshot again: nothing written.
  await loop.submit(snapshots.next((r) => ({ ...r })));
  assert.deepEqual(written(), [22, 1, 2, 0]);

  // What the loop serves is what a fresh translate() of the same input gives.
  const fresh = translate(snapshots.resources, { controllerName: CONTROLLER_NAME, now: '2030-01-01T00:00:00.000Z' });
  assert.equal(JSON.stringify(applied), JSON.stringify(fresh.ir));
});

test('a ListenerSet keeps its status across reloads: written once, its conditions keep their time', async () => {
  const logger = memoryLogger();
  const times = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
  const loop = new ControlLoop({ sink: { apply: () => Promise.resolve() }, logger, clock: () => new Date(times.shift() ?? '2027-01-01T00:00:00Z') });
  const snapshots = new Snapshots();
  snapshots.resources = resourcesFromYaml(`${BASE.replace('spec:\n  gatewayClassName: portico\n', 'spec:\n  gatewayClassName: portico\n  allowedListeners: {namespaces: {from: All}}\n')}---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: extra, namespace: apps}
spec:
  parentRef: {name: gw, namespace: infra}
  listeners: [{name: http, port: 8081, protocol: HTTP}]
`);
  await loop.submit(snapshots.next((r) => r));
  await loop.submit(snapshots.next((r) => ({ ...r })));
  await loop.submit(snapshots.next((r) => ({ ...r })));
  const written = logger.entries.filter((e) => e.msg?.startsWith('configuration')).map((e) => (e.obj as { statusesWritten: number }).statusesWritten);
  assert.deepEqual(written, [3, 0, 0], 'the class, the Gateway and the ListenerSet, then nothing');
  const status = loop.state.statuses.find((s) => s.kind === 'ListenerSet')?.status as { conditions: { type: string; status: string; lastTransitionTime: string }[] };
  assert.deepEqual(status.conditions.map((c) => [c.type, c.status, c.lastTransitionTime]), [
    ['Accepted', 'True', '2026-01-01T00:00:00.000Z'],
    ['Programmed', 'True', '2026-01-01T00:00:00.000Z'],
  ]);
});

test('after the first load the loop settles once: the same snapshot with its statuses attached, nothing written, nothing applied again', async () => {
  const logger = memoryLogger();
  let applies = 0;
  const loop = new ControlLoop({ sink: { apply: () => Promise.resolve(applies++) }, logger });
  const snapshots = new Snapshots();
  const routes = resourcesFromYaml(Array.from({ length: 5 }, (_, i) => route(i)).join('')).httpRoutes;
  await loop.submit(snapshots.next((r) => withRoutes(r, routes)));
  const settled = logger.entries.filter((e) => e.msg === 'first configuration settled');
  assert.equal(settled.length, 1);
  assert.equal((settled[0]?.obj as { statusesWritten: number }).statusesWritten, 0);
  assert.equal(applies, 1, 'the settling run gave the same Gateway IR: nothing to apply');
  assert.equal(loop.state.version, 1);

  // Later snapshots are not settled again.
  await loop.submit(snapshots.next((r) => withRoutes(r, routes.slice(1))));
  assert.equal(logger.entries.filter((e) => e.msg === 'first configuration settled').length, 1);
  assert.equal(applies, 2);
});

test('a snapshot that arrives during the first load is handled next, without settling the first', async () => {
  const logger = memoryLogger();
  const loop = new ControlLoop({ sink: { apply: () => new Promise((resolve) => setTimeout(resolve, 5)) }, logger });
  const snapshots = new Snapshots();
  const routes = resourcesFromYaml(route(0)).httpRoutes;
  const first = loop.submit(snapshots.next((r) => withRoutes(r, routes)));
  const second = loop.submit(snapshots.next((r) => withRoutes(r, [])));
  await Promise.all([first, second]);
  assert.equal(loop.state.version, 2);
  assert.equal(logger.entries.filter((e) => e.msg === 'first configuration settled').length, 0);
});
