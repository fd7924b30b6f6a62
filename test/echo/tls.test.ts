// The echo backend over TLS: reports the connection (SNI, version, cipher, ALPN,
// client chain) and checks client certificates only when one is presented.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { after, before, test } from 'node:test';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { createPki, opensslMissing } from './certs.ts';
import type { KeyPair, TestPki } from './certs.ts';

const skip = opensslMissing();

let pki: TestPki;
let server: KeyPair;
let echo: EchoServer;
before(async () => {
  if (skip) return;
  pki = await createPki();
  server = await pki.issue('backend.example');
  echo = await startEcho({ name: 'tls-backend', tls: { ...server, ca: pki.ca.cert } });
});
after(async () => {
  if (skip) return;
  await echo.close();
  await pki.remove();
});

function get(options: RequestOptions): Promise<RequestDescription> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: echo.port, path: '/secure', agent: false, ca: pki.ca.cert, servername: 'backend.example', ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as RequestDescription));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('reports SNI, protocol version, cipher suite and ALPN; no client certificate is fine', { skip }, async () => {
  assert.match(echo.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  // https.request passes TLS connection options through to tls.connect.
  const alpn: ConnectionOptions = { ALPNProtocols: ['http/1.1'] };
  const seen = await get({ ...alpn });
  assert.equal(seen.path, '/secure');
  assert.equal(seen.tls?.serverName, 'backend.example');
  assert.match(seen.tls?.version ?? '', /^TLSv1\.[23]$/);
  assert.match(seen.tls?.cipherSuite ?? '', /^TLS_/);
  assert.equal(seen.tls?.negotiatedProtocol, 'http/1.1');
  assert.deepEqual(seen.tls?.peerCertificates, []);
});

test('a client certificate the CA signed is accepted and reported as PEM, leaf first', { skip }, async () => {
  const client = await pki.issue('client.example');
  const seen = await get({ cert: client.cert, key: client.key });
  const leaf = seen.tls?.peerCertificates[0];
  assert.ok(leaf, 'no peer certificate reported');
  assert.equal(new X509Certificate(leaf).fingerprint256, new X509Certificate(client.cert).fingerprint256);
});

test('a client certificate the CA did not sign is refused', { skip }, async () => {
  const rogue = await pki.issue('rogue.example', false);
  await assert.rejects(get({ cert: rogue.cert, key: rogue.key }));
});

test('plain HTTP answers carry no tls field', { skip }, async () => {
  const plain = await startEcho();
  try {
    const seen = (await (await fetch(plain.url)).json()) as RequestDescription;
    assert.equal(seen.tls, undefined);
  } finally {
    await plain.close();
  }
});
