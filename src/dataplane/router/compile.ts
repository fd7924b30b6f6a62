// The router the HTTP engine calls on every request: compiled once per IR
// port (host table + one match table per virtual host), then read-only. It
// returns exactly what the reference matcher (reference.ts) returns; the
// shared case table and a randomized agreement test hold it to that.
import type { IRHttpPort } from '../../ir/types.ts';
import { compileHostTable } from './host-table.ts';
import { compileMatchTable } from './match-table.ts';
import type { RouteMatch, RouteRequest } from './request.ts';

export interface CompiledRouter {
  /** The route for a request, or undefined when nothing matches (404). */
  route(req: RouteRequest): RouteMatch | undefined;
}

/** `matchTable` compiles each virtual host's table (proxy/config-cache.ts passes one that reuses tables). */
export function compileRouter(port: IRHttpPort, matchTable: typeof compileMatchTable = compileMatchTable): CompiledRouter {
  const hosts = compileHostTable(
    port.virtualHosts.map((vhost) => [vhost.hostname, matchTable(vhost, port.rules)] as const),
  );
  return {
    route(req: RouteRequest): RouteMatch | undefined {
      return hosts.select(req.host)?.lookup(req);
    },
  };
}
