// The tenants of the TLS scale scenario: N hostnames, each with its own
// certificate and key from one throw-away CA, written once per run into the
// bench's temporary directory (every proxy and both sizes read the same
// files). About half a millisecond per certificate: 5,000 take a few seconds.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuthority } from './x509.ts';
import type { BenchAuthority, IssuedCertificate } from './x509.ts';

export const TENANT_DOMAIN = 'bench.example';

export function tenantHostname(index: number): string {
  return `tenant-${index}.${TENANT_DOMAIN}`;
}

export interface TenantFiles extends IssuedCertificate {
  hostname: string;
  certFile: string;
  keyFile: string;
  /** Certificate and key in one file (HAProxy's crt-list entries). */
  pemFile: string;
}

export interface TenantSet {
  caPem: string;
  caFile: string;
  tenants: TenantFiles[];
  /** A new certificate (new key, new serial) for `tenant`, written over its files: what a renewal does. */
  renew(tenant: TenantFiles): Promise<TenantFiles>;
}

async function writeTenant(dir: string, hostname: string, issued: IssuedCertificate): Promise<TenantFiles> {
  const files = { certFile: join(dir, `${hostname}.crt`), keyFile: join(dir, `${hostname}.key`), pemFile: join(dir, `${hostname}.pem`) };
  await Promise.all([
    writeFile(files.certFile, issued.certPem),
    writeFile(files.keyFile, issued.keyPem),
    writeFile(files.pemFile, `${issued.certPem}${issued.keyPem}`),
  ]);
  return { hostname, ...issued, ...files };
}

/** `count` tenants' certificates under `dir`. */
export async function makeTenants(dir: string, count: number): Promise<TenantSet> {
  await mkdir(dir, { recursive: true });
  const authority: BenchAuthority = createAuthority('Portico bench tenants CA');
  const caFile = join(dir, 'ca.crt');
  await writeFile(caFile, authority.certPem);
  const tenants: TenantFiles[] = [];
  for (let i = 0; i < count; i++) {
    const hostname = tenantHostname(i);
    tenants.push(await writeTenant(dir, hostname, authority.issue(hostname)));
  }
  return {
    caPem: authority.certPem,
    caFile,
    tenants,
    renew: (tenant) => writeTenant(dir, tenant.hostname, authority.issue(tenant.hostname)),
  };
}
