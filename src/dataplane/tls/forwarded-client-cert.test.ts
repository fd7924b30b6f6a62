import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardedClientCertValue } from './forwarded-client-cert.ts';
import type { ClientIdentity } from './client-identity.ts';

function identity(overrides: Partial<ClientIdentity>): ClientIdentity {
  return { subject: 'CN=client', dnsNames: [], uris: [], sha256: 'ab12', der: Buffer.alloc(0), ...overrides };
}

const cases: Array<{ name: string; identity: Partial<ClientIdentity>; expected: string }> = [
  { name: 'hash and subject only', identity: {}, expected: 'Hash=ab12;Subject="CN=client"' },
  { name: 'URIs then DNS names, one pair each', identity: { uris: ['spiffe://a/b'], dnsNames: ['a.example', 'b.example'] }, expected: 'Hash=ab12;Subject="CN=client";URI=spiffe://a/b;DNS=a.example;DNS=b.example' },
  { name: 'quotes and backslashes escaped inside quotes', identity: { subject: 'CN=a\\,b "q"' }, expected: 'Hash=ab12;Subject="CN=a\\\\,b \\"q\\""' },
  { name: 'separators in a SAN quote it', identity: { dnsNames: ['a;b=c'] }, expected: 'Hash=ab12;Subject="CN=client";DNS="a;b=c"' },
  { name: 'control characters cannot break the header', identity: { subject: 'CN=x\r\nInjected: 1' }, expected: 'Hash=ab12;Subject="CN=xInjected: 1"' },
  { name: 'UTF-8 as bytes, as every head is written', identity: { subject: 'CN=é' }, expected: `Hash=ab12;Subject="CN=${Buffer.from('é').toString('latin1')}"` },
];

for (const { name, identity: overrides, expected } of cases) {
  test(`x-forwarded-client-cert: ${name}`, () => {
    assert.equal(forwardedClientCertValue(identity(overrides)), expected);
  });
}
