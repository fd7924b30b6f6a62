import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParentReference } from '../model/gatewayapi.ts';
import { attachToGateway, parentGateway } from './attachment.ts';
import type { GatewayContext } from './gateway.ts';
import { evaluateGateway } from './gateway.ts';
import { indexResources } from './resource-index.ts';
import type { RouteInfo } from './route-model.ts';
import { resourcesFromYaml } from './testing.ts';

const resources = resourcesFromYaml(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: portico
  listeners:
  - {name: web, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
  - {name: api, port: 8080, protocol: HTTP, hostname: api.example.com}
  - {name: grpc, port: 8080, protocol: HTTP, hostname: grpc.example.com, allowedRoutes: {kinds: [{kind: GRPCRoute}]}}
  - {name: tcp, port: 9000, protocol: TCP}
`);
const index = indexResources(resources);
const gatewayDoc = resources.gateways[0];
assert.ok(gatewayDoc !== undefined);
const gateway: GatewayContext = evaluateGateway(gatewayDoc);

function route(kind: RouteInfo['kind'], namespace: string, hostnames: string[] = []): RouteInfo {
  return { kind, namespace, name: 'r', hostnames, creationTimestamp: undefined };
}

test('parentRef attachment: listeners selected, reason when none accepts', () => {
  const table: [string, RouteInfo, ParentReference, string][] = [
    ['whole Gateway, same namespace', route('HTTPRoute', 'infra'), { name: 'gw' }, 'web:*.example.com api:api.example.com'],
    ['whole Gateway, other namespace', route('HTTPRoute', 'apps'), { name: 'gw', namespace: 'infra' }, 'web:*.example.com'],
    ['sectionName', route('HTTPRoute', 'infra'), { name: 'gw', sectionName: 'api' }, 'api:api.example.com'],
    ['port', route('GRPCRoute', 'infra'), { name: 'gw', port: 8080 }, 'api:api.example.com grpc:grpc.example.com'],
    ['route hostnames narrow', route('HTTPRoute', 'infra', ['a.example.com', 'other.org']), { name: 'gw' }, 'web:a.example.com'],
    ['unknown sectionName', route('HTTPRoute', 'infra'), { name: 'gw', sectionName: 'nope' }, 'NoMatchingParent'],
    ['sectionName and port disagree', route('HTTPRoute', 'infra'), { name: 'gw', sectionName: 'web', port: 8080 }, 'NoMatchingParent'],
    ['kind not allowed', route('HTTPRoute', 'infra'), { name: 'gw', sectionName: 'grpc' }, 'NotAllowedByListeners'],
    ['namespace not allowed', route('HTTPRoute', 'apps'), { name: 'gw', namespace: 'infra', sectionName: 'api' }, 'NotAllowedByListeners'],
    ['a TCP listener carries TCPRoutes', route('TCPRoute', 'infra'), { name: 'gw', sectionName: 'tcp' }, 'tcp:*'],
    ['a TCP listener carries no HTTPRoute', route('HTTPRoute', 'infra'), { name: 'gw', sectionName: 'tcp' }, 'NotAllowedByListeners'],
    ['no HTTP listener carries a UDPRoute', route('UDPRoute', 'infra'), { name: 'gw' }, 'NotAllowedByListeners'],
    ['TLSRoute on a Gateway without TLS listeners', route('TLSRoute', 'infra', ['a.example.com']), { name: 'gw' }, 'NotAllowedByListeners'],
    ['no shared hostname', route('HTTPRoute', 'infra', ['example.com']), { name: 'gw' }, 'NoMatchingListenerHostname'],
  ];
  for (const [name, info, ref, expected] of table) {
    const result = attachToGateway(info, ref, gateway, index);
    const actual = result.attached ? result.listeners.map((l) => `${l.listener.name}:${l.hostnames.join(',')}`).join(' ') : result.reason;
    assert.equal(actual, expected, name);
  }
});

test('only parentRefs to managed Gateways are Portico\'s', () => {
  const gateways = new Map([[gateway.irName, gateway]]);
  assert.equal(parentGateway({ name: 'gw' }, 'infra', gateways), gateway);
  assert.equal(parentGateway({ name: 'gw', namespace: 'infra', group: 'gateway.networking.k8s.io', kind: 'Gateway' }, 'apps', gateways), gateway);
  assert.equal(parentGateway({ name: 'gw' }, 'apps', gateways), undefined);
  assert.equal(parentGateway({ name: 'gw', kind: 'ListenerSet' }, 'infra', gateways), undefined);
  assert.equal(parentGateway({ name: 'gw', group: '', kind: 'Service' }, 'infra', gateways), undefined);
});
