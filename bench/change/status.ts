// Status under growth: routes added in batches (as `kubectl apply -f dir`
// would), and after every reload the /status document is compared with the
// previous one. In file mode Portico's "status writes" are exactly these
// changes: an object whose status did not change must not be rewritten, or a
// cluster's API server would see a write storm on every reload.
import { withPortico } from './context.ts';
import type { ChangeContext } from './context.ts';
import { GATEWAY_NAMESPACE, gatewayYaml, httpRouteYaml, prefixMatch, serviceYaml } from '../gateway-yaml.ts';
import { startTrackingBackend } from './backends.ts';

interface StatusEntry {
  kind: string;
  metadata: { namespace?: string; name: string };
  status: { conditions?: { type: string; status: string }[]; listeners?: { name: string; attachedRoutes: number }[]; parents?: { conditions?: { type: string; status: string }[] }[] };
}

export interface StatusResult {
  routes: number;
  /** Objects with a status at the end. */
  objects: number;
  /** Reloads observed (configuration versions advanced). */
  reloads: number;
  /** Objects whose status changed, summed over all reloads. */
  writes: number;
  maxWritesPerReload: number;
  attachedRoutes: number | undefined;
  acceptedRoutes: number;
}

const keyOf = (entry: StatusEntry): string => `${entry.kind}/${entry.metadata.namespace ?? ''}/${entry.metadata.name}`;

/** How many entries of `next` differ from (or are missing in) `previous`. */
export function countStatusChanges(previous: ReadonlyMap<string, string>, next: readonly StatusEntry[]): number {
  let changed = 0;
  for (const entry of next) if (previous.get(keyOf(entry)) !== JSON.stringify(entry.status)) changed++;
  return changed;
}

export const statusMap = (entries: readonly StatusEntry[]): Map<string, string> => new Map(entries.map((entry) => [keyOf(entry), JSON.stringify(entry.status)]));

export async function measureStatus(context: ChangeContext, routes: number, batch: number): Promise<StatusResult> {
  const backend = await startTrackingBackend('app');
  try {
    return await withPortico(context, 'status', (port) => ({
      'gateway.yaml': gatewayYaml(port),
      'backend.yaml': serviceYaml('app', GATEWAY_NAMESPACE, [backend.port]),
    }), async ({ portico, write }) => {
      const read = async (): Promise<StatusEntry[]> => JSON.parse((await portico.admin('/status')).body) as StatusEntry[];
      let previous = statusMap(await read());
      let version = await portico.version();
      let writes = 0;
      let reloads = 0;
      let maxWritesPerReload = 0;
      let entries: StatusEntry[] = [];
      for (let first = 0; first < routes; first += batch) {
        const last = Math.min(routes, first + batch);
        await Promise.all(Array.from({ length: last - first }, (_, k) => {
          const i = first + k;
          return write(`routes/route-${i}.yaml`, httpRouteYaml({ name: `route-${i}`, namespace: GATEWAY_NAMESPACE, rules: [{ matches: [prefixMatch(`/r${i}/`)], backends: [{ name: 'app' }] }] }));
        }));
        // A batch may land in more than one reload (the watcher's debounce): read
        // after each one, so every reload's changes are counted.
        for (;;) {
          const seen = await portico.waitForVersion(version);
          reloads += seen.version - version;
          version = seen.version;
          entries = await read();
          const changed = countStatusChanges(previous, entries);
          writes += changed;
          maxWritesPerReload = Math.max(maxWritesPerReload, changed);
          previous = statusMap(entries);
          if (entries.filter((entry) => entry.kind === 'HTTPRoute').length >= last) break;
        }
      }
      const gateway = entries.find((entry) => entry.kind === 'Gateway');
      const accepted = entries.filter((entry) => entry.kind === 'HTTPRoute' && entry.status.parents?.[0]?.conditions?.some((condition) => condition.type === 'Accepted' && condition.status === 'True'));
      context.progress(`    ${routes} routes in ${reloads} reloads: ${writes} status changes`);
      return {
        routes,
        objects: entries.length,
        reloads,
        writes,
        maxWritesPerReload,
        attachedRoutes: gateway?.status.listeners?.find((listener) => listener.name === 'http')?.attachedRoutes,
        acceptedRoutes: accepted.length,
      };
    });
  } finally {
    await backend.close();
  }
}
