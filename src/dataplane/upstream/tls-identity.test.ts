import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import type { IRSubjectAltName } from '../../ir/types.ts';
import { backendIdentityCheck, parseSubjectAltNames } from './tls-identity.ts';

test('subjectaltname text → entries, quoted values included', () => {
  const cases: [string | undefined, [string, string][]][] = [
    [undefined, []],
    ['', []],
    ['DNS:a.example.com', [['DNS', 'a.example.com']]],
    ['DNS:a.example.com, URI:spiffe://td/ns/x/sa/y, IP Address:10.0.0.1', [['DNS', 'a.example.com'], ['URI', 'spiffe://td/ns/x/sa/y'], ['IP Address', '10.0.0.1']]],
    ['URI:"http://a/b, c", DNS:b.example.com', [['URI', 'http://a/b, c'], ['DNS', 'b.example.com']]],
    ['URI:"say \\"hi\\"", DNS:c', [['URI', 'say "hi"'], ['DNS', 'c']]],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseSubjectAltNames(text).map((e) => [e.type, e.value]), expected, String(text));
  }
});

function certificate(subjectaltname: string): PeerCertificate {
  return { subject: { CN: 'ignored.example.com' }, subjectaltname } as unknown as PeerCertificate;
}

test('backend identity: the hostname without SANs; one of the SANs (Hostname or URI) with them', () => {
  const san = (type: 'Hostname' | 'URI', value: string): IRSubjectAltName => ({ type, value });
  const cases: { name: string; sni: string; sans?: IRSubjectAltName[]; cert: string; ok: boolean }[] = [
    { name: 'hostname matches', sni: 'abc.example.com', cert: 'DNS:abc.example.com', ok: true },
    { name: 'hostname matches a wildcard', sni: 'abc.example.com', cert: 'DNS:*.example.com', ok: true },
    { name: 'wildcard covers one label only', sni: 'a.b.example.com', cert: 'DNS:*.example.com', ok: false },
    { name: 'hostname mismatch', sni: 'mismatch.example.com', cert: 'DNS:abc.example.com', ok: false },
    { name: 'URI SAN matches', sni: 'abc.example.com', sans: [san('URI', 'spiffe://td/ns/a/sa/b')], cert: 'DNS:other.example.com, URI:spiffe://td/ns/a/sa/b', ok: true },
    { name: 'URI SAN compared exactly', sni: 'abc.example.com', sans: [san('URI', 'spiffe://td/ns/a/sa/b')], cert: 'URI:spiffe://td/ns/a/sa/bb', ok: false },
    { name: 'with SANs the hostname does not authenticate', sni: 'abc.example.com', sans: [san('Hostname', 'svc.example.com')], cert: 'DNS:abc.example.com', ok: false },
    { name: 'Hostname SAN matches', sni: 'abc.example.com', sans: [san('Hostname', 'svc.example.com')], cert: 'DNS:svc.example.com', ok: true },
    { name: 'any one of several', sni: 'x', sans: [san('Hostname', 'nope.example.com'), san('URI', 'spiffe://td/x')], cert: 'DNS:a.example.com, URI:spiffe://td/x', ok: true },
    { name: 'none of several', sni: 'x', sans: [san('Hostname', 'nope.example.com'), san('URI', 'spiffe://td/x')], cert: 'DNS:a.example.com, URI:spiffe://td/y', ok: false },
  ];
  for (const c of cases) {
    const result = backendIdentityCheck(c.sni, c.sans)(c.sni, certificate(c.cert));
    assert.equal(result === undefined, c.ok, `${c.name}: ${result?.message ?? 'accepted'}`);
  }
});
