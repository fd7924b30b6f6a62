// The StatusStore between reloads: what counts as a status write, what is
// cleared, and which copies of the input objects carry the last status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HTTPRoute } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import { emptyResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from '../translate/index.ts';
import { StatusStore } from './status-store.ts';

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
