import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rfc4514, splitSubjectAltName } from './client-identity.ts';

test('subjects in RFC 4514 order, with separators in values escaped', () => {
  const cases: Array<[string, string]> = [
    ['C=US\nO=Example\nCN=client', 'CN=client,O=Example,C=US'],
    ['CN=solo', 'CN=solo'],
    ['O=Smith, Jones & Co\nCN=a+b', 'CN=a\\+b,O=Smith\\, Jones & Co'],
    ['CN=#hash', 'CN=\\#hash'],
    ['CN= padded ', 'CN=\\ padded\\ '],
    ['', ''],
  ];
  for (const [node, expected] of cases) assert.equal(rfc4514(node), expected, JSON.stringify(node));
});

test('subjectAltName text split into DNS names and URIs, quoted values included', () => {
  const cases: Array<[string, { dnsNames: string[]; uris: string[] }]> = [
    ['DNS:a.example.com, DNS:b.example.com', { dnsNames: ['a.example.com', 'b.example.com'], uris: [] }],
    ['URI:spiffe://example.com/sa/x, DNS:x.example.com, IP Address:10.0.0.1', { dnsNames: ['x.example.com'], uris: ['spiffe://example.com/sa/x'] }],
    ['DNS:"a, b.example.com", URI:"urn:x\\"y"', { dnsNames: ['a, b.example.com'], uris: ['urn:x"y'] }],
    ['email:someone@example.com', { dnsNames: [], uris: [] }],
    ['', { dnsNames: [], uris: [] }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(splitSubjectAltName(text), expected, text);
});
