// nginx, both as the reference proxy and as the shared backend. Both run from a
// generated config in the bench's temporary directory, in the foreground, with
// every path (pid, logs, temp files) inside that directory, on loopback only.
import { join } from 'node:path';
import type { ProxySetup } from '../routes.ts';

/** The part every nginx config shares: N workers, no access log, files in `dir`. */
export function nginxMain(dir: string, http: string, workers = 1): string {
  // A root master would hand workers to "nobody", who cannot use the private
  // temporary directory: keep them as the user running the bench.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes ${workers};
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  # nginx closes a client connection after 1000 requests by default; the others do not.
  keepalive_requests 10000000;
  keepalive_timeout 60s;
${http}
}
`;
}

/** The backend: every request gets `body.bin` from `dir` (a fixed body of the scenario's size). */
export function nginxBackendConfig(dir: string, port: number, workers = 1): string {
  return nginxMain(dir, `  server {
    listen 127.0.0.1:${port};
    location / { root ${dir}; default_type text/plain; try_files /body.bin =404; }
  }`, workers);
}

/** The listen directive's parameters and the TLS settings every server block shares. */
function listenerSettings(setup: ProxySetup): { listen: string; tls: string } {
  if (!setup.tls) return { listen: '', tls: '' };
  // nginx 1.22 (Debian 12) spells HTTP/2 as a listen parameter; ALPN then offers h2 and http/1.1.
  return {
    listen: setup.http2 ? ' ssl http2' : ' ssl',
    tls: `  ssl_certificate ${setup.tls.certFile};
  ssl_certificate_key ${setup.tls.keyFile};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:bench:10m;
`,
  };
}

/** The proxy: host + path-prefix locations, pooled keep-alive connections to the backend. */
export function nginxProxyConfig(setup: ProxySetup): string {
  const proxy = 'proxy_pass http://backend;';
  const locations = setup.routes.prefixes.map((prefix) => `    location ${prefix} { ${proxy} }`).join('\n');
  // Requests outside the table get a 404, as they do from a Gateway API proxy.
  const catchAll = setup.routes.prefixes.includes('/') ? '' : '\n    location / { return 404; }';
  const { listen, tls } = listenerSettings(setup);
  return nginxMain(setup.dir, `${tls}  upstream backend {
    server 127.0.0.1:${setup.backendPort};
    keepalive 64;
    keepalive_requests 10000000;
  }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  server {
    listen 127.0.0.1:${setup.listenPort}${listen} default_server;
    return 404;
  }
  server {
    listen 127.0.0.1:${setup.listenPort}${listen};
    server_name ${setup.routes.hostname};
${locations}${catchAll}
  }`, setup.workers);
}

/** Arguments that run nginx on `config` (add `-t` to only check it). */
export function nginxArgs(dir: string, config: string): string[] {
  return ['-p', dir, '-c', config, '-e', join(dir, 'error.log')];
}
