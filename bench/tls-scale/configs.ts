// Each proxy's configuration for N tenants on one TLS port, written the way a
// multi-tenant platform writes it:
// - Portico: one Gateway owned by the platform (its own HTTPS listener is
//   tenant 0) and one ListenerSet per further tenant, each with a listener
//   for its hostname and its certificate, plus the tenant's HTTPRoute, in a
//   file per tenant. ListenerSets (GEP-1713) exist for exactly this: a Gateway
//   holds at most 64 listeners, and tenants add theirs without editing the
//   shared Gateway. (One listener with many certificateRefs would also cap at
//   64, and selects among them by key type, not by SNI.)
// - nginx: a `server` block per hostname with its ssl_certificate.
// - HAProxy: one `bind ... ssl crt-list` whose list names each certificate with
//   its SNI filter.
// All tenants route to the one bench backend.
import { join } from 'node:path';
import { GATEWAY_CLASS_YAML, serviceYaml } from '../gateway-yaml.ts';
import { nginxMain } from '../proxies/nginx.ts';
import type { TenantFiles } from './tenants.ts';

export interface TlsScaleSetup {
  dir: string;
  listenPort: number;
  backendPort: number;
  tenants: readonly TenantFiles[];
}

// ------------------------------------------------------------------ nginx

export function nginxTenantsConfig(setup: TlsScaleSetup): string {
  const [first] = setup.tenants;
  if (first === undefined) throw new Error('no tenants');
  const listen = `listen 127.0.0.1:${setup.listenPort} ssl`;
  const servers = setup.tenants.map((tenant) => `  server {
    ${listen};
    server_name ${tenant.hostname};
    ssl_certificate ${tenant.certFile};
    ssl_certificate_key ${tenant.keyFile};
    location / { proxy_pass http://backend; }
  }`).join('\n');
  // 5,000 names outgrow the default server-name hash; nginx -t says so if it is too small.
  return nginxMain(setup.dir, `  ssl_protocols TLSv1.2 TLSv1.3;
  server_names_hash_max_size ${Math.max(512, 2 ** Math.ceil(Math.log2(setup.tenants.length * 2)))};
  server_names_hash_bucket_size 64;
  upstream backend {
    server 127.0.0.1:${setup.backendPort};
    keepalive 64;
  }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $host;
  server {
    ${listen} default_server;
    ssl_certificate ${first.certFile};
    ssl_certificate_key ${first.keyFile};
    return 404;
  }
${servers}`);
}

// ------------------------------------------------------------------ HAProxy

export function haproxyTenantsFiles(setup: TlsScaleSetup): Record<string, string> {
  const list = join(setup.dir, 'tenants.crt-list');
  const config = `global
  nbthread 1
  maxconn 4096
  pidfile ${join(setup.dir, 'haproxy.pid')}

defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s

frontend tenants
  bind 127.0.0.1:${setup.listenPort} ssl crt-list ${list} alpn http/1.1
  default_backend app

backend app
  server backend 127.0.0.1:${setup.backendPort}
`;
  return { 'haproxy.cfg': config, 'tenants.crt-list': setup.tenants.map((tenant) => `${tenant.pemFile} ${tenant.hostname}\n`).join('') };
}

// ------------------------------------------------------------------ Portico

const NAMESPACE = 'tenants';
const base64 = (text: string): string => Buffer.from(text).toString('base64');

function secretYaml(tenant: TenantFiles, index: number): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: tenant-${index}-tls
  namespace: ${NAMESPACE}
type: kubernetes.io/tls
data:
  tls.crt: ${base64(tenant.certPem)}
  tls.key: ${base64(tenant.keyPem)}
`;
}

function routeYaml(index: number, parent: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: tenant-${index}
  namespace: ${NAMESPACE}
spec:
  parentRefs:
  - ${parent}
  rules:
  - backendRefs:
    - name: backend
      port: 80
`;
}

function listenerYaml(tenant: TenantFiles, index: number, port: number, indent: string): string {
  return [
    '- name: https',
    `  port: ${port}`,
    '  protocol: HTTPS',
    `  hostname: ${tenant.hostname}`,
    '  tls:',
    '    mode: Terminate',
    '    certificateRefs:',
    `    - name: tenant-${index}-tls`,
  ].map((line) => `${indent}${line}\n`).join('');
}

/** The file of tenant `index` ≥ 1: its Secret, ListenerSet and HTTPRoute. */
export function porticoTenantFile(tenant: TenantFiles, index: number, port: number): string {
  return `${secretYaml(tenant, index)}---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata:
  name: tenant-${index}
  namespace: ${NAMESPACE}
spec:
  parentRef:
    name: platform
  listeners:
${listenerYaml(tenant, index, port, '  ')}---
${routeYaml(index, `group: gateway.networking.k8s.io\n    kind: ListenerSet\n    name: tenant-${index}`)}`;
}

/** The platform's file: class, Gateway (tenant 0 on its own listener), the backend Service and its endpoints, tenant 0's Secret and route. */
export function porticoPlatformFile(setup: TlsScaleSetup): string {
  const [first] = setup.tenants;
  if (first === undefined) throw new Error('no tenants');
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
---
${GATEWAY_CLASS_YAML}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: platform
  namespace: ${NAMESPACE}
spec:
  gatewayClassName: portico
  allowedListeners:
    namespaces:
      from: Same
  listeners:
${listenerYaml(first, 0, setup.listenPort, '  ')}---
${secretYaml(first, 0)}---
${routeYaml(0, 'name: platform\n    sectionName: https')}---
${serviceYaml('backend', NAMESPACE, [setup.backendPort])}`;
}

/** Portico's config folder: file name → text (a file per tenant, as a GitOps repository per tenant would hold). */
export function porticoTenantsFiles(setup: TlsScaleSetup): Record<string, string> {
  const files: Record<string, string> = { 'platform.yaml': porticoPlatformFile(setup) };
  setup.tenants.forEach((tenant, index) => {
    if (index > 0) files[porticoTenantFileName(index)] = porticoTenantFile(tenant, index, setup.listenPort);
  });
  return files;
}

export function porticoTenantFileName(index: number): string {
  return `tenant-${index}.yaml`;
}
