// An end-to-end harness: a temporary config folder served by a real Portico
// (file provider → translate → data plane on real sockets), echo backends on
// loopback, and requests checked the way the Gateway API conformance suite
// checks them: request in, echo's view of it (or the response) out.
import assert from 'node:assert/strict';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { startPortico } from '../../src/control/app.ts';
import type { Portico } from '../../src/control/app.ts';
import { silentLogger } from '../../src/telemetry/log.ts';
import type { Manifest } from './manifests.ts';
import { backend, configDir, gateway, gatewayClass, toYaml } from './manifests.ts';
import type { RequestOptions, Response } from './net.ts';
import { eventually, freePort, request } from './net.ts';

export interface Harness {
  /** The Gateway's HTTP listener port (listener "http", hostname unset, routes from All namespaces). */
  port: number;
  portico: Portico;
  backends: Record<string, EchoServer>;
  /** Replaces routes.yaml (the routes under test) and waits until Portico serves the new version. */
  setRoutes(...routes: Manifest[]): Promise<void>;
  /** Writes any file in the config folder. */
  write(name: string, text: string): Promise<void>;
  send(options: Omit<RequestOptions, 'port'> & { port?: number }): Promise<Response>;
  /** Sends and returns what the echo backend saw (fails unless the answer is 200 from an echo backend). */
  echo(options: Omit<RequestOptions, 'port'> & { port?: number }): Promise<RequestDescription>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Echo backends to start: Service name → namespace (default "default"). */
  backends: string[] | Record<string, string>;
  routes?: Manifest[];
  /** Extra objects (namespaces, grants, more gateways) written to extra.yaml. */
  extra?: Manifest[];
  /** Replace the default Gateway (which has one HTTP listener "http" on `port`). */
  gateways?: (port: number) => Manifest[];
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const port = await freePort();
  const names = Array.isArray(options.backends) ? Object.fromEntries(options.backends.map((n) => [n, 'default'])) : options.backends;
  const backends: Record<string, EchoServer> = {};
  const backendManifests: Manifest[] = [];
  for (const [name, namespace] of Object.entries(names)) {
    const server = await startEcho({ host: '127.0.0.1', name, namespace });
    backends[name] = server;
    backendManifests.push(...backend(name, server.port, { namespace }));
  }
  const gateways = options.gateways?.(port) ?? [gateway({ listeners: [{ name: 'http', port }] })];
  const folder = await configDir({
    'gateway.yaml': toYaml(gatewayClass(), ...gateways),
    'backends.yaml': toYaml(...backendManifests),
    ...(options.extra ? { 'extra.yaml': toYaml(...options.extra) } : {}),
    ...(options.routes?.length ? { 'routes.yaml': toYaml(...options.routes) } : {}),
  });
  const portico = await startPortico({ configDir: folder.dir, bindAddress: '127.0.0.1', logger: silentLogger(), debounceMs: 20 });

  const waitForNewVersion = async (before: number): Promise<void> => {
    await eventually(() => assert.ok(portico.loop.state.version > before, 'Portico did not pick up the change'), { timeoutMs: 10_000 });
    await portico.settled();
  };

  const send: Harness['send'] = (request_) => request({ port, ...request_ });
  return {
    port,
    portico,
    backends,
    async setRoutes(...routes) {
      const before = portico.loop.state.version;
      await folder.write('routes.yaml', toYaml(...routes));
      await waitForNewVersion(before);
    },
    async write(name, text) {
      const before = portico.loop.state.version;
      await folder.write(name, text);
      await waitForNewVersion(before);
    },
    send,
    async echo(request_) {
      const response = await send(request_);
      assert.equal(response.status, 200, `expected 200 from a backend, got ${response.status}: ${response.body.slice(0, 300)}`);
      return response.json<RequestDescription>();
    },
    async close() {
      await portico.close({ drainTimeoutMs: 1_000 });
      await Promise.all(Object.values(backends).map((server) => server.close()));
      await folder.remove();
    },
  };
}

/** Service backendRef shorthand. */
export function ref(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, port: 80, ...extra };
}
