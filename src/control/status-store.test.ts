// The StatusStore between reloads: what counts as a status write, what is
// cleared, and which copies of the input objects carry the last status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HTTPRoute } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import { emptyResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';
import { differences, StatusStore } from './status-store.ts';

function update(name: string, status: object, namespace = 'apps'): StatusUpdate {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { namespace, name }, status };
}

function route(name: string, namespace?: string): HTTPRoute {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: {} };
}

function withRoutes(routes: HTTPRoute[]): ResourceSet {
  return { ...emptyResourceSet(), httpRoutes: routes };
}

test('replace counts new and different statuses as written, the same object or equal content as not, and missing ones as cleared', () => {
  const store = new StatusStore();
  const a = update('a', { v: 1 });
  const b = update('b', { v: 1 });
  const c = update('c', { v: 1 });
  assert.deepEqual(store.replace([a, b, c]), { written: 3, cleared: 0, keys: ['HTTPRoute/apps/a', 'HTTPRoute/apps/b', 'HTTPRoute/apps/c'] });
  assert.deepEqual(store.replace([a, update('b', { v: 1 }), update('c', { v: 2 })]), { written: 1, cleared: 0, keys: ['HTTPRoute/apps/c'] });
  assert.deepEqual(store.replace([a]), { written: 0, cleared: 2, keys: [] });
  // A status cleared and then back is written again.
  assert.deepEqual(store.replace([a, b]), { written: 1, cleared: 0, keys: ['HTTPRoute/apps/b'] });
});

test('attachTo: objects carry their last status (namespace defaulted), keep one copy while it stands, and others pass through', () => {
  const store = new StatusStore();
  const routes = [route('a', 'apps'), route('d'), route('other', 'apps')];
  assert.equal(store.attachTo(withRoutes(routes)).httpRoutes[0], routes[0], 'no statuses yet: the input as it is');

  const first = { conditions: ['first'] };
  store.replace([update('a', first), update('d', { conditions: [] }, 'default')]);
  const once = store.attachTo(withRoutes(routes)).httpRoutes;
  assert.equal((once[0] as HTTPRoute & { status: object }).status, first);
  assert.deepEqual((once[1] as HTTPRoute & { status: object }).status, { conditions: [] });
  assert.equal(once[2], routes[2], 'an object without a status is passed on as it is');
  assert.equal(routes[0]?.status, undefined, 'the input objects are not changed');

  const twice = store.attachTo(withRoutes(routes)).httpRoutes;
  assert.equal(twice[0], once[0], 'the same status: the same copy');

  const second = { conditions: ['second'] };
  store.replace([update('a', second), update('d', { conditions: [] }, 'default')]);
  const after = store.attachTo(withRoutes(routes)).httpRoutes;
  assert.notEqual(after[0], once[0]);
  assert.equal((after[0] as HTTPRoute & { status: object }).status, second);

  store.replace([update('d', { conditions: [] }, 'default')]);
  assert.equal(store.attachTo(withRoutes(routes)).httpRoutes[0], routes[0], 'a cleared status: the object as it is');
});

test('differences: only what is not the same object at its place, however the lists shift', () => {
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => update(name, { v: 1 })) as [StatusUpdate, StatusUpdate, StatusUpdate, StatusUpdate, StatusUpdate];
  const c2 = update('c', { v: 2 });
  const cases: { name: string; last: StatusUpdate[]; next: StatusUpdate[]; added: StatusUpdate[]; left: StatusUpdate[] }[] = [
    { name: 'the same list', last: [a, b, c], next: [a, b, c], added: [], left: [] },
    { name: 'one replaced', last: [a, b, c, d], next: [a, b, c2, d], added: [c2], left: [c] },
    { name: 'one inserted', last: [a, c, d], next: [a, b, c, d], added: [b], left: [] },
    { name: 'one removed', last: [a, b, c, d], next: [a, c, d], added: [], left: [b] },
    { name: 'appended and dropped at the end', last: [a, b, c], next: [a, b, d, e], added: [d, e], left: [c] },
    { name: 'two inserted at the front (lists part: listed both ways)', last: [c, d, e], next: [a, b, c, d, e], added: [a, b, c, d, e], left: [c, d, e] },
    { name: 'from nothing', last: [], next: [a, b], added: [a, b], left: [] },
    { name: 'to nothing', last: [a, b], next: [], added: [], left: [a, b] },
  ];
  for (const { name, last, next, added, left } of cases) assert.deepEqual(differences(last, next), { added, left }, name);
});

test('replace counts right when the list shifts by more than one place', () => {
  const store = new StatusStore();
  const [c, d, e] = ['c', 'd', 'e'].map((name) => update(name, { v: 1 })) as [StatusUpdate, StatusUpdate, StatusUpdate];
  store.replace([c, d, e]);
  assert.deepEqual(store.replace([update('a', { v: 1 }), update('b', { v: 1 }), c, d, update('e', { v: 2 })]), { written: 3, cleared: 0, keys: ['HTTPRoute/apps/a', 'HTTPRoute/apps/b', 'HTTPRoute/apps/e'] });
  const routes = [route('a', 'apps'), route('e', 'apps')];
  const attached = store.attachTo(withRoutes(routes)).httpRoutes;
  assert.deepEqual(attached.map((object) => (object as HTTPRoute & { status: object }).status), [{ v: 1 }, { v: 2 }]);
  assert.equal(store.attachTo(withRoutes(routes)).httpRoutes, attached, 'nothing changed: the very list handed out last time');
  assert.deepEqual(store.replace([c]), { written: 0, cleared: 4, keys: [] });
  assert.deepEqual(store.attachTo(withRoutes(routes)).httpRoutes, routes, 'cleared statuses: the objects as they are');
});
