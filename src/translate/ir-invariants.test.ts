// Every golden IR satisfies the invariants src/ir/types.ts promises the data
// plane: named backends and certificates exist (and every one listed is
// used), match rule indexes are in range, hostnames and header match names
// are lowercase, virtual hosts and TLS server names are distinct per port.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { IR, IRGateway, IRStreamRoute } from '../ir/types.ts';

const dir = join(import.meta.dirname, 'testdata');

function invariantViolations(gateway: IRGateway): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [key, backend] of Object.entries(gateway.backends)) {
    if (key !== backend.name) problems.push(`backend key ${key} names ${backend.name}`);
    if (backend.externalName !== undefined && backend.externalName.hostname !== backend.externalName.hostname.toLowerCase()) problems.push(`${key}: externalName not lowercase`);
  }
  const usedCertificates = new Set<string>();
  const useStream = (where: string, route: IRStreamRoute) => {
    for (const share of route.backends) {
      if (share.backend === undefined) continue;
      used.add(share.backend);
      if (gateway.backends[share.backend] === undefined) problems.push(`${where}: backend ${share.backend} missing`);
    }
  };
  for (const port of gateway.ports) {
    if (port.kind !== 'http') {
      useStream(port.name, port.route);
      continue;
    }
    const serverNames = new Set<string>();
    for (const server of port.tls?.servers ?? []) {
      if (serverNames.has(server.hostname)) problems.push(`${port.name}: TLS server ${server.hostname} twice`);
      serverNames.add(server.hostname);
      if (server.hostname !== server.hostname.toLowerCase()) problems.push(`${port.name}: TLS server ${server.hostname} not lowercase`);
      if (server.mode === 'passthrough' ? server.certificates.length > 0 : server.certificates.length === 0) problems.push(`${port.name} ${server.hostname}: ${server.mode} with ${server.certificates.length} certificates`);
      for (const name of server.certificates) {
        usedCertificates.add(name);
        if (gateway.certificates?.[name] === undefined) problems.push(`${port.name} ${server.hostname}: certificate ${name} missing`);
      }
      if (server.route !== undefined) useStream(`${port.name} ${server.hostname}`, server.route);
    }
    const ruleNames = new Set(port.rules.map((r) => r.name));
    if (ruleNames.size !== port.rules.length) problems.push(`${port.name}: duplicate rule names`);
    for (const rule of port.rules) {
      for (const name of [...rule.backends.flatMap((b) => (b.backend === undefined ? [] : [b.backend])), ...rule.mirrors.map((m) => m.backend)]) {
        used.add(name);
        if (gateway.backends[name] === undefined) problems.push(`${rule.name}: backend ${name} missing`);
      }
      for (const b of rule.backends) if (b.backend === undefined && b.status === undefined) problems.push(`${rule.name}: share without backend or status`);
    }
    const hostnames = new Set<string>();
    for (const vhost of port.virtualHosts) {
      if (hostnames.has(vhost.hostname)) problems.push(`${port.name}: virtual host ${vhost.hostname} twice`);
      hostnames.add(vhost.hostname);
      if (vhost.hostname !== vhost.hostname.toLowerCase()) problems.push(`${port.name}: hostname ${vhost.hostname} not lowercase`);
      for (const match of vhost.matches) {
        if (!Number.isInteger(match.rule) || match.rule < 0 || match.rule >= port.rules.length) problems.push(`${port.name} ${vhost.hostname}: rule ${match.rule} out of range`);
        for (const header of match.headers) if (header.name !== header.name.toLowerCase()) problems.push(`${port.name}: header ${header.name} not lowercase`);
      }
    }
  }
  for (const name of Object.keys(gateway.backends)) if (!used.has(name)) problems.push(`backend ${name} is not used`);
  // Backends may present a client certificate from the table too (BackendTLSPolicy with Gateway spec.tls.backend).
  for (const backend of Object.values(gateway.backends)) {
    const client = (backend as { tls?: { clientCertificate?: string } }).tls?.clientCertificate;
    if (client === undefined) continue;
    usedCertificates.add(client);
    if (gateway.certificates?.[client] === undefined) problems.push(`${backend.name}: client certificate ${client} missing`);
  }
  for (const name of Object.keys(gateway.certificates ?? {})) if (!usedCertificates.has(name)) problems.push(`certificate ${name} is not used`);
  return problems;
}

const cases = readdirSync(dir).filter((f) => f.endsWith('.out.yaml')).sort();

test('there are golden outputs to check', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} golden cases`);
});

for (const file of cases) {
  test(`IR invariants: ${file}`, () => {
    const { ir } = parse(readFileSync(join(dir, file), 'utf8')) as { ir: IR };
    for (const gateway of ir.gateways) assert.deepEqual(invariantViolations(gateway), [], gateway.name);
  });
}
