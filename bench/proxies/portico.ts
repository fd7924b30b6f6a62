// Portico, configured the way a user would: Gateway API YAML in a folder, served
// by `portico serve --config DIR`. One HTTPRoute per prefix, all to one Service
// whose EndpointSlice points at the bench backend.
import { stringify } from 'yaml';
import type { EndpointSlice, Secret, Service } from '../../src/model/core.ts';
import type { Gateway, GatewayClass, HTTPRoute } from '../../src/model/gatewayapi.ts';
import type { ProxySetup } from '../routes.ts';

const NAMESPACE = 'bench';

/** The listener every bench route attaches to: "http", or "https" when the scenario terminates TLS. */
export function porticoListenerName(setup: ProxySetup): string {
  return setup.tls ? 'https' : 'http';
}

export function porticoManifests(setup: ProxySetup): (GatewayClass | Gateway | HTTPRoute | Service | EndpointSlice | Secret)[] {
  const gatewayClass: GatewayClass = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: 'portico' },
    spec: { controllerName: 'portico.dev/gateway-controller' },
  };
  const gateway: Gateway = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'bench', namespace: NAMESPACE },
    spec: {
      gatewayClassName: 'portico',
      listeners: [setup.tls
        ? { name: 'https', port: setup.listenPort, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'bench-tls' }] } }
        : { name: 'http', port: setup.listenPort, protocol: 'HTTP' }],
    },
  };
  const secrets: Secret[] = setup.tls
    ? [{
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bench-tls', namespace: NAMESPACE },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': Buffer.from(setup.tls.certPem).toString('base64'), 'tls.key': Buffer.from(setup.tls.keyPem).toString('base64') },
      }]
    : [];
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'backend', namespace: NAMESPACE },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'backend-1', namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': 'backend' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: setup.backendPort }],
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
  };
  const routes = setup.routes.prefixes.map((prefix, i): HTTPRoute => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `route-${i}`, namespace: NAMESPACE },
    spec: {
      parentRefs: [{ name: 'bench' }],
      hostnames: [setup.routes.hostname],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: prefix } }], backendRefs: [{ name: 'backend', port: 80 }] }],
    },
  }));
  return [gatewayClass, gateway, ...secrets, service, slice, ...routes];
}

/** The config folder's files (name → text). */
export function porticoFiles(setup: ProxySetup): Record<string, string> {
  return { 'bench.yaml': porticoManifests(setup).map((object) => stringify(object)).join('---\n') };
}

/**
 * `portico serve` arguments (run from the repository root with its Node 24).
 * More than one worker is asked for with the flag rather than only the
 * environment, so a Portico without workers says so instead of quietly
 * running one process.
 */
export function porticoArgs(configDir: string, workers = 1): string[] {
  return ['bin/portico.js', 'serve', '--config', configDir, '--bind-address', '127.0.0.1', ...(workers > 1 ? ['--workers', String(workers)] : [])];
}
