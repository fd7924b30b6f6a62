import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Listener } from '../model/gatewayapi.ts';
import { compileNamespacePolicy, supportedRouteKinds } from './allowedroutes.ts';
import { protocolProfile } from './protocols.ts';
import { indexResources } from './resource-index.ts';
import { resourcesFromYaml } from './testing.ts';

const index = indexResources(
  resourcesFromYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: prod-a, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: dev-a, labels: {env: dev}}
`),
);

function listener(allowedRoutes: Listener['allowedRoutes']): Listener {
  return { name: 'l', port: 80, protocol: 'HTTP', ...(allowedRoutes === undefined ? {} : { allowedRoutes }) };
}

test('allowedRoutes.namespaces: which route namespaces a listener of a Gateway in "infra" admits', () => {
  const namespaces = ['infra', 'prod-a', 'dev-a', 'no-object'];
  const table: [Listener['allowedRoutes'], string[]][] = [
    [undefined, ['infra']],
    [{ namespaces: {} }, ['infra']],
    [{ namespaces: { from: 'Same' } }, ['infra']],
    [{ namespaces: { from: 'All' } }, namespaces],
    [{ namespaces: { from: 'None' } }, []],
    [{ namespaces: { from: 'Selector', selector: { matchLabels: { env: 'prod' } } } }, ['prod-a']],
    [{ namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] } } }, ['infra', 'no-object']],
    [{ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'no-object' } } } }, ['no-object']],
    [{ namespaces: { from: 'Selector', selector: {} } }, namespaces],
  ];
  for (const [allowed, expected] of table) {
    const compiled = compileNamespacePolicy(listener(allowed), 'infra');
    assert.ok(compiled.ok, JSON.stringify(allowed));
    assert.deepEqual(namespaces.filter((namespace) => compiled.policy(namespace, index)), expected, JSON.stringify(allowed));
  }
  assert.equal(compileNamespacePolicy(listener({ namespaces: { from: 'Selector' } }), 'infra').ok, false);
  assert.equal(compileNamespacePolicy(listener({ namespaces: { from: 'Elsewhere' as 'All' } }), 'infra').ok, false);
});

test('allowedRoutes.kinds narrows the protocol kinds; others are reported', () => {
  const http = protocolProfile('HTTP');
  assert.ok(http !== undefined);
  const table: [Listener['allowedRoutes'], string[], string[]][] = [
    [undefined, ['HTTPRoute', 'GRPCRoute'], []],
    [{ kinds: [] }, ['HTTPRoute', 'GRPCRoute'], []],
    [{ kinds: [{ kind: 'HTTPRoute' }, { kind: 'HTTPRoute' }] }, ['HTTPRoute'], []],
    [{ kinds: [{ kind: 'TCPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }] }, ['GRPCRoute'], ['gateway.networking.k8s.io/TCPRoute']],
    [{ kinds: [{ group: '', kind: 'HTTPRoute' }, { group: 'example.com', kind: 'HTTPRoute' }] }, [], ['core/HTTPRoute', 'example.com/HTTPRoute']],
  ];
  for (const [allowed, kinds, invalid] of table) {
    const result = supportedRouteKinds(listener(allowed), http);
    assert.deepEqual(result.kinds.map((k) => k.kind), kinds, JSON.stringify(allowed));
    assert.deepEqual(result.invalid, invalid, JSON.stringify(allowed));
  }
});
