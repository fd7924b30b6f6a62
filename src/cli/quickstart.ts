// `portico quickstart [--config DIR]` (what `npm start` runs): serves the bundled
// example and, for every loopback endpoint its EndpointSlices name, starts a
// built-in echo backend named after the Service, so curl shows routing at once.
import { fileURLToPath } from 'node:url';
import { startPortico } from '../control/app.ts';
import { SERVICE_NAME_LABEL } from '../model/core.ts';
import { loadDirectoryOnce } from '../providers/file/index.ts';
import { startEcho } from '../echo/server.ts';
import type { EchoServer } from '../echo/server.ts';
import { createLogger } from '../telemetry/log.ts';
import { parse, portFlag, withUsage } from './args.ts';
import { untilSignal } from './signals.ts';

const defaultDir = fileURLToPath(new URL('../../examples/quickstart/', import.meta.url));

const usage = `usage: portico quickstart [--config DIR] [--admin-port N]

Serves DIR (default: examples/quickstart) on 127.0.0.1 and starts an echo
backend for each loopback endpoint its EndpointSlices list.
`;

function banner(adminPort: number): string {
  return `
Portico is serving examples/quickstart on http://127.0.0.1:8080 — try:

  curl -H 'Host: web.example.com' http://127.0.0.1:8080/            # → web
  curl -H 'Host: web.example.com' http://127.0.0.1:8080/api/items   # → api, with x-routed-by added
  curl -i -H 'Host: web.example.com' http://127.0.0.1:8080/old      # → 301 to /new
  for i in $(seq 20); do curl -s -H 'Host: store.example.com' http://127.0.0.1:8080/ | grep '"name"'; done
                                                                    # → ~90% store-v1, ~10% store-v2
  curl -H 'Host: store.example.com' -H 'x-canary: always' http://127.0.0.1:8080/   # → store-v2

  curl http://127.0.0.1:${adminPort}/status    # the Gateway API status Portico computed
  curl http://127.0.0.1:${adminPort}/config    # the routing configuration (IR)

Edit a file in examples/quickstart and Portico reloads it. Ctrl-C stops.
`;
}

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, { config: { type: 'string', short: 'c' }, 'admin-port': { type: 'string' } });
    const dir = values.config ?? defaultDir;
    const adminPort = portFlag('admin-port', values['admin-port']) ?? 9901;
    const logger = createLogger();

    const { resources } = await loadDirectoryOnce(dir);
    const backends: EchoServer[] = [];
    const seen = new Set<number>();
    for (const slice of resources.endpointSlices) {
      const service = slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? slice.metadata.name;
      const loopback = slice.endpoints.some((endpoint) => endpoint.addresses.includes('127.0.0.1'));
      for (const port of slice.ports ?? []) {
        if (!loopback || port.port === undefined || seen.has(port.port)) continue;
        seen.add(port.port);
        backends.push(await startEcho({ port: port.port, host: '127.0.0.1', name: service, namespace: slice.metadata.namespace }));
      }
    }
    const portico = await startPortico({ configDir: dir, bindAddress: '127.0.0.1', adminPort, logger });
    process.stdout.write(banner(portico.admin?.port ?? adminPort));
    await untilSignal();
    await portico.close({ drainTimeoutMs: 2_000 });
    await Promise.all(backends.map((backend) => backend.close()));
    return 0;
  });
}
