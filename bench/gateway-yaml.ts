// Gateway API manifests as YAML text for the change and scale benches. Written
// as templates (not through a YAML library) so that generating 40,000 routes
// takes no time worth mentioning; test/bench checks that Portico's loader reads
// every shape without a diagnostic.

export const GATEWAY_NAMESPACE = 'bench';
export const GATEWAY_NAME = 'bench';

/** The GatewayClass every bench manifest names: Portico's controller. */
export const GATEWAY_CLASS_YAML = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: portico
spec:
  controllerName: portico.dev/gateway-controller
`;

/** The class, a Gateway with one HTTP listener "http" that admits routes from every namespace, and the namespaces. */
export function gatewayYaml(port: number, namespaces: string[] = []): string {
  const extra = [...new Set([GATEWAY_NAMESPACE, ...namespaces])].map((name) => `---
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
`).join('');
  return `${GATEWAY_CLASS_YAML}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${GATEWAY_NAME}
  namespace: ${GATEWAY_NAMESPACE}
spec:
  gatewayClassName: portico
  listeners:
  - name: http
    protocol: HTTP
    port: ${port}
    allowedRoutes:
      namespaces:
        from: All
${extra}`;
}

/** A Service with one named port, and its EndpointSlice listing `endpointPorts` on 127.0.0.1. */
export function serviceYaml(name: string, namespace: string, endpointPorts: number[]): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
${endpointPorts.length > 0 ? `---\n${endpointSliceYaml(name, namespace, endpointPorts)}` : ''}`;
}

/**
 * The EndpointSlices of `service` for endpoints on 127.0.0.1 at `endpointPorts`.
 * Every bench backend listens on loopback, so only the port tells them apart;
 * a slice has one port list for all its endpoints, so each endpoint gets a
 * slice of its own (`<service>-<port>`), which the API allows. Adding or
 * removing an endpoint therefore adds or removes one slice.
 */
export function endpointSliceYaml(service: string, namespace: string, endpointPorts: number[]): string {
  return endpointPorts.map((port) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${service}-${port}
  namespace: ${namespace}
  labels:
    kubernetes.io/service-name: ${service}
addressType: IPv4
ports:
- name: http
  port: ${port}
endpoints:
- addresses:
  - 127.0.0.1
  conditions:
    ready: true
`).join('---\n');
}

export interface RouteShape {
  name: string;
  namespace: string;
  hostnames?: string[];
  /** Each rule: its matches (YAML list items, indented by the caller's convention) and backends. */
  rules: { matches: string[]; backends: { name: string; namespace?: string; weight?: number }[]; filters?: string[] }[];
}

/** A path-prefix match item. */
export const prefixMatch = (path: string): string => `- path:\n        type: PathPrefix\n        value: ${path}`;
/** An exact-path match item. */
export const exactMatch = (path: string): string => `- path:\n        type: Exact\n        value: ${path}`;
/** A path-prefix match that also needs a header. */
export const prefixAndHeaderMatch = (path: string, header: string, value: string): string =>
  `- path:\n        type: PathPrefix\n        value: ${path}\n      headers:\n      - name: ${header}\n        value: ${value}`;
/** A response header filter item. */
export const responseHeaderFilter = (name: string, value: string): string =>
  `- type: ResponseHeaderModifier\n      responseHeaderModifier:\n        set:\n        - name: ${name}\n          value: "${value}"`;

export function httpRouteYaml(route: RouteShape): string {
  const hostnames = route.hostnames?.length ? `  hostnames:\n${route.hostnames.map((host) => `  - ${host}`).join('\n')}\n` : '';
  const rules = route.rules.map((rule) => {
    const matches = rule.matches.length ? `    matches:\n${rule.matches.map((match) => `    ${match}`).join('\n')}\n` : '';
    const filters = rule.filters?.length ? `    filters:\n${rule.filters.map((filter) => `    ${filter}`).join('\n')}\n` : '';
    const backends = rule.backends.map((backend) => `    - name: ${backend.name}\n${backend.namespace ? `      namespace: ${backend.namespace}\n` : ''}      port: 80${backend.weight === undefined ? '' : `\n      weight: ${backend.weight}`}`).join('\n');
    return `  - ${(matches + filters).trimStart()}${matches || filters ? '    ' : ''}backendRefs:\n${backends}`;
  }).join('\n');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${route.name}
  namespace: ${route.namespace}
spec:
  parentRefs:
  - name: ${GATEWAY_NAME}
    namespace: ${GATEWAY_NAMESPACE}
${hostnames}  rules:
${rules}
`;
}
