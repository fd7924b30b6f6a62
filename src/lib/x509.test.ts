// The certificate checks translate relies on, against the test-only PEMs of
// the golden inputs (src/translate/testdata).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { decodeBase64, inspectCaBundle, inspectKeyPair, sha256Hex, validityProblem } from './x509.ts';

interface Doc {
  kind: string;
  metadata: { name: string };
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

const docs = parseAllDocuments(readFileSync(join(import.meta.dirname, '../translate/testdata/https-invalid-certificates.in.yaml'), 'utf8')).map((d) => d.toJS() as Doc);
function pem(name: string, key: string): string {
  const value = docs.find((d) => d.kind === 'Secret' && d.metadata.name === name)?.stringData?.[key];
  assert.ok(value !== undefined, `${name} ${key}`);
  return value;
}

test('key pairs: a matching pair gives its validity window; problems are named', () => {
  const good = inspectKeyPair(pem('good', 'tls.crt'), pem('good', 'tls.key'));
  assert.ok(good.ok);
  assert.equal(validityProblem(good, '2026-01-01T00:00:00Z'), undefined);
  assert.match(validityProblem(good, '2024-06-01T00:00:00Z') ?? '', /not valid before 2025-01-01/);
  const expired = inspectKeyPair(pem('expired', 'tls.crt'), pem('expired', 'tls.key'));
  assert.ok(expired.ok);
  assert.equal(validityProblem(expired, '2026-01-01T00:00:00Z'), 'the certificate expired at 2021-01-01T00:00:00.000Z');
  const table: [string, string, string, RegExp][] = [
    ['key of another certificate', pem('mismatched', 'tls.crt'), pem('mismatched', 'tls.key'), /does not match/],
    ['no certificate', 'Hello world', pem('good', 'tls.key'), /holds no PEM certificate/],
    ['no key', pem('good', 'tls.crt'), 'Hello world', /holds no PEM private key/],
    ['broken certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', pem('good', 'tls.key'), /not a valid certificate/],
  ];
  for (const [name, cert, key, expected] of table) {
    const check = inspectKeyPair(cert, key);
    assert.ok(!check.ok, name);
    assert.match(check.problem, expected, name);
  }
});

test('CA bundles, base64 and hashes', () => {
  assert.deepEqual(inspectCaBundle(pem('good', 'tls.crt')), { ok: true, certificates: 1 });
  assert.equal(inspectCaBundle('nothing').ok, false);
  assert.equal(decodeBase64('SGVsbG8gd29ybGQK'), 'Hello world\n');
  assert.equal(decodeBase64('not base64!'), undefined);
  assert.equal(sha256Hex('a', 'b'), sha256Hex('ab'));
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
