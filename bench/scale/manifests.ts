// The scale bench's configuration: N HTTPRoutes of a usual shape spread over
// namespaces (a path prefix, a response header filter, every fifth a 90/10
// split to a canary), one file per route in a folder per namespace, as a
// GitOps repository or `kubectl get -o yaml` per object would have them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GATEWAY_NAMESPACE, gatewayYaml, httpRouteYaml, prefixMatch, responseHeaderFilter, serviceYaml } from '../gateway-yaml.ts';

export const namespaceOf = (i: number, namespaces: number): string => `team-${i % namespaces}`;

/** Route i serves /svc-i/ (or /svc-i-v<version>/ after a measured change). */
export const routePath = (i: number, version = 0): string => (version === 0 ? `/svc-${i}/` : `/svc-${i}-v${version}/`);

export function scaleRouteYaml(i: number, namespaces: number, options: { pathVersion?: number; filterVersion?: number } = {}): string {
  const backends = i % 5 === 0 ? [{ name: 'app', weight: 90 }, { name: 'canary', weight: 10 }] : [{ name: 'app' }];
  return httpRouteYaml({
    name: `route-${i}`,
    namespace: namespaceOf(i, namespaces),
    rules: [{ matches: [prefixMatch(routePath(i, options.pathVersion))], filters: [responseHeaderFilter('x-route', `route-${i}-v${options.filterVersion ?? 0}`)], backends }],
  });
}

export const routeFile = (i: number, namespaces: number): string => join(namespaceOf(i, namespaces), `route-${i}.yaml`);

/** The Gateway, the namespaces, and in each namespace Services "app" and "canary" on the backend's port. */
export function baseFiles(port: number, namespaces: number, backendPort: number): Record<string, string> {
  const names = Array.from({ length: namespaces }, (_, k) => `team-${k}`);
  const files: Record<string, string> = { 'gateway.yaml': gatewayYaml(port, names) };
  for (const name of names) files[join(name, 'services.yaml')] = [serviceYaml('app', name, [backendPort]), serviceYaml('canary', name, [backendPort])].join('---\n');
  return files;
}

/** Writes routes [0, count) into `dir`, a few hundred files at a time. */
export async function writeRoutes(dir: string, count: number, namespaces: number): Promise<void> {
  for (let k = 0; k < namespaces; k++) await mkdir(join(dir, `team-${k}`), { recursive: true });
  const batch = 500;
  for (let first = 0; first < count; first += batch) {
    const writes: Promise<void>[] = [];
    for (let i = first; i < Math.min(count, first + batch); i++) writes.push(writeFile(join(dir, routeFile(i, namespaces)), scaleRouteYaml(i, namespaces)));
    await Promise.all(writes);
  }
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

/** ListenerSet j's hostname (ls-j-v<version>.example.com after a measured edit). */
export const listenerSetHost = (j: number, version = 0): string => (version === 0 ? `ls-${j}.example.com` : `ls-${j}-v${version}.example.com`);

/**
 * A ListenerSet with one HTTP listener for its own hostname on the Gateway's
 * port, taking routes from every namespace (only routes that name the
 * ListenerSet attach to it, GEP-1713).
 */
export function listenerSetYaml(j: number, port: number, version = 0): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata:
  name: listeners-${j}
  namespace: ${GATEWAY_NAMESPACE}
spec:
  parentRef:
    name: bench
  listeners:
  - name: http
    port: ${port}
    protocol: HTTP
    hostname: ${listenerSetHost(j, version)}
    allowedRoutes:
      namespaces:
        from: All
`;
}

/** One file per ListenerSet, as for routes. */
export const listenerSetFile = (j: number): string => join('listenersets', `listeners-${j}.yaml`);

/** Where ListenerSet j's route serves: /ls-j/ on the set's hostname. */
export const listenerSetPath = (j: number): string => `/ls-${j}/`;

/** An HTTPRoute (in the first team's namespace) attached to ListenerSet j, to app. */
export function listenerSetRouteYaml(j: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ls-route-${j}
  namespace: team-0
spec:
  parentRefs:
  - group: gateway.networking.k8s.io
    kind: ListenerSet
    name: listeners-${j}
    namespace: ${GATEWAY_NAMESPACE}
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: ${listenerSetPath(j)}
    backendRefs:
    - name: app
      port: 80
`;
}

/** The Gateway YAML with ListenerSets from every namespace allowed. */
export function allowListenerSets(gateway: string): string {
  return gateway.replace('  listeners:\n', '  allowedListeners:\n    namespaces:\n      from: All\n  listeners:\n');
}
