// HandshakeServers keeps one secure context per profile key (certificate
// hashes, client validation, version, ciphers, ALPN): a certificate changed
// among many re-creates that one context only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { IRCertificate, IRTlsPortConfig } from '../../ir/types.ts';
import { decodeBase64, sha256Hex } from '../../lib/x509.ts';
import { silentLogger } from '../../telemetry/log.ts';
import { HandshakeServers, profileOf } from './handshake-servers.ts';

interface SecretDoc { kind?: string; data?: Record<string, string>; stringData?: Record<string, string> }

/** The key pairs of the translator's https-listeners fixture (the data plane reads no translator code). */
function fixtureCertificates(): IRCertificate[] {
  const yaml = readFileSync(join(import.meta.dirname, '../../translate/testdata/https-listeners.in.yaml'), 'utf8');
  const certificates: IRCertificate[] = [];
  for (const doc of parseAllDocuments(yaml).map((d) => d.toJS() as SecretDoc)) {
    const value = (key: string) => doc.stringData?.[key] ?? (doc.data?.[key] === undefined ? undefined : decodeBase64(doc.data[key]));
    const certPem = value('tls.crt');
    const keyPem = value('tls.key');
    if (doc.kind === 'Secret' && certPem !== undefined && keyPem !== undefined) certificates.push({ certPem, keyPem, hash: sha256Hex(certPem, keyPem) });
  }
  return certificates;
}

const port: IRTlsPortConfig = { minVersion: 'TLSv1.2' } as IRTlsPortConfig;

function profileFor(name: string, certificate: IRCertificate) {
  const profile = profileOf({ certificates: [name] } as Parameters<typeof profileOf>[0], port, { [name]: certificate }, [], new Map());
  if (typeof profile === 'string') assert.fail(profile);
  return profile;
}

test('a changed certificate re-creates its own context; the others stay the same objects', () => {
  const [a, b] = fixtureCertificates();
  assert.ok(a !== undefined && b !== undefined && a.hash !== b.hash);
  const servers = new HandshakeServers({ logger: silentLogger(), handshakeTimeoutMs: 1000, onSecure: () => {}, onClientError: () => {} });
  const serverA = servers.serverFor(profileFor('tenant-a', a));
  const serverB = servers.serverFor(profileFor('tenant-b', b));
  assert.ok(serverA !== undefined && serverB !== undefined);
  assert.equal(servers.builds, 2);

  // tenant-b's Secret now holds a's pair: one context built for it, tenant-a's untouched.
  const renewedB = profileFor('tenant-b', { ...a, hash: `${a.hash}-renewed` });
  const keep = new Set([profileFor('tenant-a', a).key, renewedB.key]);
  servers.retain(keep);
  assert.equal(servers.serverFor(profileFor('tenant-a', a)), serverA);
  const newB = servers.serverFor(renewedB);
  assert.ok(newB !== undefined && newB !== serverB);
  assert.equal(servers.builds, 3);
  assert.equal(servers.kept, 2);

  // The same content again (a Secret rewritten unchanged) builds nothing.
  assert.equal(servers.serverFor(profileFor('tenant-b', { ...a, hash: `${a.hash}-renewed` })), newB);
  assert.equal(servers.builds, 3);
});
