import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTlsOptions } from './options.ts';

test('listener tls.options: Portico keys parsed, bad values refused, other keys ignored', () => {
  const table: [string, Record<string, string> | undefined, string][] = [
    ['none', undefined, '{}'],
    ['minimum 1.3', { 'portico.dev/min-tls-version': '1.3' }, '{"minVersion":"TLSv1.3"}'],
    ['minimum spelled as OpenSSL does', { 'portico.dev/min-tls-version': 'TLSv1.2' }, '{"minVersion":"TLSv1.2"}'],
    ['forward the client certificate', { 'portico.dev/forward-client-cert': 'true' }, '{"forwardClientCert":true}'],
    ['another implementation\'s key', { 'example.com/cipher': 'x', 'portico.dev/forward-client-cert': 'false' }, '{"forwardClientCert":false}'],
    ['TLS 1.1 is not offered', { 'portico.dev/min-tls-version': '1.1' }, 'tls.options portico.dev/min-tls-version: "1.1" is not one of "1.2", "1.3"'],
    ['yes is not a boolean', { 'portico.dev/forward-client-cert': 'yes' }, 'tls.options portico.dev/forward-client-cert: "yes" is not one of "true", "false"'],
  ];
  for (const [name, options, expected] of table) {
    const parsed = parseTlsOptions(options);
    assert.equal(parsed.ok ? JSON.stringify(parsed.options) : parsed.message, expected, name);
  }
});
