import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendObjectReference } from '../model/gatewayapi.ts';
import { resolveBackendRef } from './backendref.ts';
import { indexResources } from './resource-index.ts';
import type { RouteInfo } from './route-model.ts';
import { resourcesFromYaml } from './testing.ts';

const index = indexResources(
  resourcesFromYaml(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: apps}
spec:
  ports:
  - {name: http, port: 80}
  - {name: dns, port: 53, protocol: UDP}
  - {name: h2, port: 81, appProtocol: kubernetes.io/h2c}
  - {name: ws, port: 82, appProtocol: kubernetes.io/ws}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: apps}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: shared, namespace: lib}
spec: {ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: g, namespace: lib}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
  to: [{group: "", kind: Service, name: shared}]
`),
);

function route(kind: RouteInfo['kind'], namespace = 'apps'): RouteInfo {
  return { kind, namespace, name: 'r', hostnames: [], creationTimestamp: undefined };
}

test('backendRef resolution: reasons for references that do not resolve', () => {
  const table: [BackendObjectReference, RouteInfo, string][] = [
    [{ name: 'missing', port: 80 }, route('HTTPRoute'), 'BackendNotFound'],
    [{ name: 'web', port: 8080 }, route('HTTPRoute'), 'BackendNotFound'],
    [{ name: 'web', port: 80 }, route('UDPRoute'), 'BackendNotFound'],
    [{ name: 'web' }, route('HTTPRoute'), 'UnsupportedValue'],
    [{ group: 'example.com', kind: 'Backend', name: 'web', port: 80 }, route('HTTPRoute'), 'InvalidKind'],
    [{ group: '', kind: 'ConfigMap', name: 'web', port: 80 }, route('HTTPRoute'), 'InvalidKind'],
    [{ name: 'shared', namespace: 'lib', port: 80 }, route('GRPCRoute'), 'RefNotPermitted'],
    [{ name: 'shared', namespace: 'lib', port: 80 }, route('HTTPRoute', 'other'), 'RefNotPermitted'],
    [{ name: 'web', port: 82 }, route('GRPCRoute'), 'UnsupportedProtocol'],
  ];
  for (const [ref, from, reason] of table) {
    const resolved = resolveBackendRef(ref, from, index);
    assert.equal(resolved.ok ? 'ok' : resolved.problem.reason, reason, `${from.kind} → ${JSON.stringify(ref)}`);
  }
});

test('backendRef resolution: protocols, names, ExternalName and granted cross-namespace refs', () => {
  const table: [BackendObjectReference, RouteInfo, string, string][] = [
    [{ name: 'web', port: 80 }, route('HTTPRoute'), 'service/apps/web/80', 'http1'],
    [{ name: 'web', port: 80 }, route('GRPCRoute'), 'service/apps/web/80', 'h2c'],
    [{ name: 'web', port: 81 }, route('HTTPRoute'), 'service/apps/web/81', 'h2c'],
    [{ name: 'web', port: 82 }, route('HTTPRoute'), 'service/apps/web/82', 'ws'],
    [{ name: 'web', port: 53 }, route('UDPRoute'), 'service/apps/web/53/udp', 'http1'],
    [{ name: 'shared', namespace: 'lib', port: 80 }, route('HTTPRoute'), 'service/lib/shared/80', 'http1'],
    [{ name: 'ext', port: 5432 }, route('HTTPRoute'), 'service/apps/ext/5432', 'http1'],
  ];
  for (const [ref, from, name, protocol] of table) {
    const resolved = resolveBackendRef(ref, from, index);
    assert.ok(resolved.ok, JSON.stringify(ref));
    assert.equal(resolved.backend.name, name);
    assert.equal(resolved.backend.protocol, protocol);
  }
  const ext = resolveBackendRef({ name: 'ext', port: 5432 }, route('HTTPRoute'), index);
  assert.ok(ext.ok);
  assert.deepEqual(ext.backend.externalName, { hostname: 'db.example.com', port: 5432 });
});
