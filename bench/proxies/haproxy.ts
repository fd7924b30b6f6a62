// HAProxy from a generated config in the bench's temporary directory: one thread
// per worker, in the foreground, no logging, loopback only.
import { join } from 'node:path';
import type { ProxySetup } from '../routes.ts';

/** The config files (name → text) for a route table. */
export function haproxyFiles(setup: ProxySetup): Record<string, string> {
  const { routes } = setup;
  const catchAll = routes.prefixes.includes('/');
  // Many path routes are a map file, as HAProxy users (and its ingress
  // controllers) write them: one lookup instead of a chain of use_backend rules.
  const routing = catchAll
    ? '  default_backend app'
    : `  use_backend %[path,map_beg(${join(setup.dir, 'routes.map')},not_found)]`;
  // HTTP/2 is offered through ALPN on TLS listeners, as nginx does.
  const tls = setup.tls ? ` ssl crt ${setup.tls.pemFile} alpn ${setup.http2 ? 'h2,http/1.1' : 'http/1.1'}` : '';
  const config = `global
  nbthread ${setup.workers}
  maxconn 4096
  pidfile ${join(setup.dir, 'haproxy.pid')}

defaults
  mode http
  option http-keep-alive
  option forwardfor
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s

frontend bench
  bind 127.0.0.1:${setup.listenPort}${tls}
  acl bench_host hdr(host),field(1,:) -i ${routes.hostname}
  http-request return status 404 unless bench_host
${routing}

backend app
  server backend 127.0.0.1:${setup.backendPort}

backend not_found
  http-request return status 404
`;
  const files: Record<string, string> = { 'haproxy.cfg': config };
  if (!catchAll) files['routes.map'] = routes.prefixes.map((prefix) => `${prefix} app\n`).join('');
  return files;
}

/** Arguments that run HAProxy on the config in `dir` (use `-c` to only check it). */
export function haproxyArgs(dir: string): string[] {
  return ['-f', join(dir, 'haproxy.cfg')];
}
