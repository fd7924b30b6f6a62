// ListenerSet end to end (cf. conformance ListenerSetHTTPRouting,
// ListenerSetAllowedRoutesNamespaces): a team's ListenerSet, in its own
// namespace, adds an HTTP listener on a new port to a Gateway that allows
// ListenerSets from all namespaces; an HTTPRoute attached to the ListenerSet
// serves there and not on the Gateway's own listener, and a ListenerSet the
// Gateway stops allowing stops serving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';
import { gateway } from '../support/manifests.ts';
import { eventually, freePort } from '../support/net.ts';

function gatewayAllowing(port: number, from: string) {
  const manifest = gateway({ listeners: [{ name: 'http', port }] });
  return { ...manifest, spec: { ...(manifest.spec as object), allowedListeners: { namespaces: { from } } } };
}

const teamYaml = (port: number) => `
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team-listeners, namespace: team}
spec:
  parentRef: {name: gw, namespace: default}
  listeners:
  - {name: apps, port: ${port}, protocol: HTTP, hostname: apps.example.com}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: team}
spec:
  parentRefs: [{kind: ListenerSet, group: gateway.networking.k8s.io, name: team-listeners, sectionName: apps}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /app}}]
    backendRefs: [{name: app, port: 80}]
`;

describe('ListenerSet: a listener on a new port from another namespace', () => {
  let harness: Harness;
  let setPort: number;

  before(async () => {
    harness = await startHarness({ backends: { app: 'team' }, gateways: (port) => [gatewayAllowing(port, 'All')] });
    setPort = await freePort();
    await harness.write('team.yaml', teamYaml(setPort));
  });
  after(() => harness.close());

  test('the route attached to the ListenerSet serves on its listener', async () => {
    const seen = await harness.echo({ port: setPort, path: '/app/x', headers: { host: 'apps.example.com' } });
    assert.equal(seen.path, '/app/x');
    assert.equal(seen.service, 'app');
    assert.equal(seen.namespace, 'team');
  });

  test("the listener keeps its hostname, and the Gateway's own listener does not carry the route", async () => {
    assert.equal((await harness.send({ port: setPort, path: '/app', headers: { host: 'other.example.com' } })).status, 404);
    assert.equal((await harness.send({ path: '/app', headers: { host: 'apps.example.com' } })).status, 404);
  });

  test('status: the ListenerSet is accepted and counted by the Gateway, the route accepted by its ListenerSet parent', () => {
    const statuses = harness.portico.loop.state.statuses;
    const set = statuses.find((s) => s.kind === 'ListenerSet')?.status as { conditions: { type: string; status: string }[]; listeners: { name: string; attachedRoutes: number }[] };
    assert.deepEqual(set.conditions.map((c) => `${c.type}=${c.status}`), ['Accepted=True', 'Programmed=True']);
    assert.deepEqual(set.listeners.map((l) => [l.name, l.attachedRoutes]), [['apps', 1]]);
    const gw = statuses.find((s) => s.kind === 'Gateway')?.status as { attachedListenerSets: number };
    assert.equal(gw.attachedListenerSets, 1);
    const route = statuses.find((s) => s.kind === 'HTTPRoute')?.status as { parents: { parentRef: { kind: string }; conditions: { type: string; status: string }[] }[] };
    assert.deepEqual(route.parents.map((p) => [p.parentRef.kind, p.conditions.find((c) => c.type === 'Accepted')?.status]), [['ListenerSet', 'True']]);
  });

  test('a Gateway that allows only its own namespace drops the listener', async () => {
    await harness.write('gateway.yaml', `${JSON.stringify({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'portico' }, spec: { controllerName: 'portico.dev/gateway-controller' } })}\n---\n${JSON.stringify(gatewayAllowing(harness.port, 'Same'))}\n`);
    await eventually(async () => {
      await assert.rejects(harness.send({ port: setPort, path: '/app', headers: { host: 'apps.example.com' } }));
    });
    const set = harness.portico.loop.state.statuses.find((s) => s.kind === 'ListenerSet')?.status as { conditions: { reason: string }[] };
    assert.equal(set.conditions[0]?.reason, 'NotAllowed');
  });
});
