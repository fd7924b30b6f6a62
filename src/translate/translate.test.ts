// translate() as a whole: pure (frozen inputs, same output for the same
// input in any order), statuses only for what Portico manages, transition
// times carried over a status round trip, and large inputs handled.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HTTPRoute } from '../model/gatewayapi.ts';
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from './index.ts';
import { translate } from './index.ts';
import { resourcesFromYaml, TEST_CONTROLLER, TEST_NOW } from './testing.ts';

const options = { controllerName: TEST_CONTROLLER, now: TEST_NOW };

function fixture(name: string): ResourceSet {
  return resourcesFromYaml(readFileSync(join(import.meta.dirname, 'testdata', `${name}.in.yaml`), 'utf8'));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function reversed(resources: ResourceSet): ResourceSet {
  const copy = { ...resources };
  for (const key of Object.keys(copy) as (keyof ResourceSet)[]) (copy as Record<string, AnyObject[]>)[key] = [...resources[key]].reverse();
  return copy;
}

test('translate is pure and deterministic: frozen inputs, any object order, same output', () => {
  for (const name of ['listener-isolation', 'filter-mirrors', 'multiple-gateways-and-status', 'backends-endpoints', 'grpcroute']) {
    const resources = fixture(name);
    const expected = JSON.stringify(translate(resources, options));
    assert.equal(JSON.stringify(translate(deepFreeze(fixture(name)), options)), expected, `${name}: frozen`);
    assert.equal(JSON.stringify(translate(reversed(resources), options)), expected, `${name}: reversed`);
  }
});

function withStatuses(resources: ResourceSet, statuses: readonly StatusUpdate[]): ResourceSet {
  const key = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? 'default'}/${name}`;
  const byKey = new Map(statuses.map((s) => [key(s.kind, s.metadata.namespace, s.metadata.name), s.status]));
  const copy = { ...resources };
  for (const field of Object.keys(copy) as (keyof ResourceSet)[]) {
    (copy as Record<string, AnyObject[]>)[field] = resources[field].map((o) => {
      const status = byKey.get(key(o.kind, o.kind === 'GatewayClass' ? undefined : o.metadata.namespace, o.metadata.name));
      return status === undefined ? o : ({ ...o, status } as AnyObject);
    });
  }
  return copy;
}

test('a status round trip keeps lastTransitionTime; a changed condition gets the new time', () => {
  const first = translate(fixture('basic-http'), options);
  const later = '2030-01-01T00:00:00Z';
  const second = translate(withStatuses(fixture('basic-http'), first.statuses), { ...options, now: later });
  assert.deepEqual(second.statuses, first.statuses);

  const broken = withStatuses(fixture('basic-http'), first.statuses);
  broken.services = [];
  const third = translate(broken, { ...options, now: later });
  const route = third.statuses.find((s) => s.kind === 'HTTPRoute')?.status as HTTPRoute['status'];
  const times = Object.fromEntries(route?.parents[0]?.conditions.map((c) => [c.type, `${c.status} ${c.lastTransitionTime}`]) ?? []);
  assert.deepEqual(times, { Accepted: `True ${TEST_NOW}`, ResolvedRefs: `False ${later}` });
});

test('objects Portico does not manage get no status', () => {
  const { statuses } = translate(fixture('gatewayclass-parameters-and-others'), options);
  assert.deepEqual(
    statuses.map((s) => `${s.kind} ${s.metadata.name}`),
    ['GatewayClass portico', 'GatewayClass portico-params'],
  );
});

test('5,000 HTTPRoutes on one Gateway translate (no quadratic work over routes)', () => {
  const resources = fixture('basic-http');
  const template = resources.httpRoutes[0];
  assert.ok(template !== undefined);
  const routes: HTTPRoute[] = [];
  for (let i = 0; i < 5000; i++) {
    routes.push({
      ...template,
      metadata: { name: `route-${i}`, namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'web' }],
        hostnames: [`host-${i % 500}.example.com`],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: `/svc-${i}` } }], backendRefs: [{ name: 'app', port: 80 }] }],
      },
    });
  }
  const { ir, statuses } = translate({ ...resources, httpRoutes: routes }, options);
  assert.equal(statuses.filter((s) => s.kind === 'HTTPRoute').length, 5000);
  const port = ir.gateways[0]?.ports[0];
  assert.equal(port?.kind, 'http');
  assert.equal(port.rules.length, 5000);
  assert.equal(port.virtualHosts.length, 501);
  assert.equal(port.virtualHosts.find((v) => v.hostname === 'host-7.example.com')?.matches.length, 10);
});
