// Builders for the manifests end-to-end tests serve: plain objects turned into
// multi-document YAML, so each test states only what it is about.
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export type Manifest = Record<string, unknown>;

export function toYaml(...objects: Manifest[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

export function gatewayClass(name = 'portico'): Manifest {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName: 'portico.dev/gateway-controller' } };
}

export interface ListenerSpec {
  name?: string;
  port: number;
  protocol?: string;
  hostname?: string;
  from?: 'All' | 'Same' | 'Selector';
}

export function gateway(options: { name?: string; namespace?: string; className?: string; listeners: ListenerSpec[] }): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: options.name ?? 'gw', namespace: options.namespace ?? 'default' },
    spec: {
      gatewayClassName: options.className ?? 'portico',
      listeners: options.listeners.map((listener, i) => ({
        name: listener.name ?? `l${i}`,
        port: listener.port,
        protocol: listener.protocol ?? 'HTTP',
        ...(listener.hostname ? { hostname: listener.hostname } : {}),
        allowedRoutes: { namespaces: { from: listener.from ?? 'All' } },
      })),
    },
  };
}

/** A Service (port 80 → named target "http") and an EndpointSlice to 127.0.0.1:<endpointPort>. */
export function backend(name: string, endpointPorts: number | number[], options: { namespace?: string; appProtocol?: string } = {}): Manifest[] {
  const namespace = options.namespace ?? 'default';
  const ports = Array.isArray(endpointPorts) ? endpointPorts : [endpointPorts];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 'http', ...(options.appProtocol ? { appProtocol: options.appProtocol } : {}) }] },
    },
    // One slice per endpoint port: the same address may serve on several ports.
    ...ports.map((port, i) => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-${i}`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port }],
      endpoints: [{ addresses: ['127.0.0.1'] }],
    })),
  ];
}

export function httpRoute(name: string, spec: Record<string, unknown>, namespace = 'default'): Manifest {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace }, spec: { parentRefs: [{ name: 'gw', namespace: 'default' }], ...spec } };
}

/** A temporary config folder; `write` replaces a file atomically (as editors do). */
export async function configDir(files: Record<string, string> = {}): Promise<{ dir: string; write(name: string, text: string): Promise<void>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-test-'));
  const write = async (name: string, text: string): Promise<void> => {
    const temporary = join(dir, `.${name}.tmp`);
    await writeFile(temporary, text);
    await rename(temporary, join(dir, name));
  };
  for (const [name, text] of Object.entries(files)) await write(name, text);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}
