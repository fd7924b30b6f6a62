// TLS settings of terminated connections on real sockets: client certificate
// validation in both modes (and the identity handed to the HTTP engine), RSA
// and ECDSA certificates on one server, session resumption, the minimum
// version and the default cipher list.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { IRCertificate, IRTlsServer } from '../../src/ir/types.ts';
import { opensslMissing } from '../echo/certs.ts';
import { createPki, irCertificate } from './pki.ts';
import type { Authority, Issued, Pki } from './pki.ts';
import { TicketSecret } from '../../src/dataplane/tls/ticket-secret.ts';
import { startFrontDoor, tlsExchange, tlsPort, tlsServer } from './tls-fixtures.ts';
import type { HandoffReport, RunningFrontDoor } from './tls-fixtures.ts';

const skip = opensslMissing();

describe('TLS options of terminated connections', { skip }, () => {
  let pki: Pki;
  let serverCa: Authority;
  let clientCa: Authority;
  let otherCa: Authority;
  let client: Issued;
  let intruder: Issued;
  const certificates: Record<string, IRCertificate> = {};
  const running: RunningFrontDoor[] = [];

  before(async () => {
    pki = await createPki();
    serverCa = await pki.authority('Portico Test Server CA');
    clientCa = await pki.authority('Portico Test Client CA');
    otherCa = await pki.authority('Someone Else CA');
    certificates['secret/default/ec'] = irCertificate(await serverCa.issue('dual.example.com'));
    certificates['secret/default/rsa'] = irCertificate(await serverCa.issue('dual.example.com', { keyType: 'rsa' }));
    client = await clientCa.issue('client-1', { dnsNames: ['client-1.example.com'], uris: ['spiffe://example.com/ns/default/sa/client-1'] });
    intruder = await otherCa.issue('intruder');
  });
  after(() => pki.remove());
  afterEach(async () => {
    for (const door of running.splice(0)) await door.close(0);
  });

  async function start(server: IRTlsServer, extra: Parameters<typeof tlsPort>[1] = {}): Promise<RunningFrontDoor> {
    const door = await startFrontDoor(tlsPort([server], extra), { certificates });
    running.push(door);
    return door;
  }

  const report = (text: string): HandoffReport => JSON.parse(text) as HandoffReport;

  test('AllowValidOnly: a client certificate from the CA is verified and its identity handed on; others are refused', async () => {
    const { port, door, handoffs } = await start(tlsServer('*', 'http', ['secret/default/ec'], { clientValidation: { caPem: clientCa.cert, mode: 'AllowValidOnly' }, forwardClientCert: true }));
    const valid = await tlsExchange(port, { key: client.key, cert: client.cert });
    assert.equal(valid.error, undefined);
    assert.deepEqual(report(valid.text), {
      listener: 'gateway/default/gw/listener/any',
      serverName: null,
      alpn: null,
      verified: true,
      subject: 'CN=client-1,O=Portico Tests',
      uris: ['spiffe://example.com/ns/default/sa/client-1'],
      dnsNames: ['client-1.example.com'],
      sha256: new X509Certificate(client.cert).fingerprint256.replaceAll(':', '').toLowerCase(),
    });

    const without = await tlsExchange(port, {});
    assert.equal(without.text, '');
    assert.ok(without.error !== undefined, 'a client without a certificate is refused');
    const foreign = await tlsExchange(port, { key: intruder.key, cert: intruder.cert });
    assert.equal(foreign.text, '');
    assert.equal(handoffs.length, 1, 'only the verified client reached the HTTP engine');
    assert.ok(door.counters.handshakeFailed >= 1);
  });

  test('AllowInsecureFallback: every client gets in; only the verified one carries an identity', async () => {
    const { port } = await start(tlsServer('*', 'http', ['secret/default/ec'], { clientValidation: { caPem: clientCa.cert, mode: 'AllowInsecureFallback' } }));
    const cases: Array<{ name: string; credentials: Partial<Issued>; verified: boolean; subject: string | null }> = [
      { name: 'valid certificate', credentials: client, verified: true, subject: 'CN=client-1,O=Portico Tests' },
      { name: 'no certificate', credentials: {}, verified: false, subject: null },
      { name: 'certificate from another CA', credentials: intruder, verified: false, subject: null },
    ];
    for (const { name, credentials, verified, subject } of cases) {
      const outcome = await tlsExchange(port, credentials);
      assert.equal(outcome.error, undefined, name);
      assert.deepEqual([report(outcome.text).verified, report(outcome.text).subject], [verified, subject], name);
    }
  });

  test('without client validation the hand-off carries no certificate verdict', async () => {
    const { port } = await start(tlsServer('*', 'http', ['secret/default/ec']));
    const outcome = await tlsExchange(port, { key: client.key, cert: client.cert });
    assert.equal(report(outcome.text).verified, null);
  });

  test('an RSA and an ECDSA certificate on one server: each client gets the one its signature algorithms allow', async () => {
    const { port } = await start(tlsServer('dual.example.com', 'http', ['secret/default/ec', 'secret/default/rsa']));
    const ecdsa = await tlsExchange(port, { servername: 'dual.example.com', sigalgs: 'ecdsa_secp256r1_sha256' });
    const rsa = await tlsExchange(port, { servername: 'dual.example.com', sigalgs: 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256' });
    assert.equal(ecdsa.certificate?.publicKey.asymmetricKeyType, 'ec');
    assert.equal(rsa.certificate?.publicKey.asymmetricKeyType, 'rsa');
  });

  test('session resumption: a client that kept its session skips the full handshake', async () => {
    const { port } = await start(tlsServer('*', 'http', ['secret/default/ec']));
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const first = await tlsExchange(port, { maxVersion });
      assert.ok(first.session !== undefined, `${maxVersion}: the server issued a session ticket`);
      const second = await tlsExchange(port, { maxVersion, session: first.session });
      assert.equal(second.error, undefined);
      assert.equal(second.sessionReused, true, `${maxVersion}: resumed`);
    }
  });

  test('a resumed session reaches its named server (regression: Node reports no servername on TLS 1.2 resumption)', async () => {
    const { port, handoffs } = await start(tlsServer('named.example.com', 'http', ['secret/default/ec']));
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const first = await tlsExchange(port, { maxVersion, servername: 'named.example.com', send: 'x' });
      const second = await tlsExchange(port, { maxVersion, servername: 'named.example.com', session: first.session, send: 'x' });
      assert.equal(second.sessionReused, true, `${maxVersion}: resumed`);
      assert.equal(report(second.text).serverName, 'named.example.com', `${maxVersion}: handed over with its server name`);
    }
    assert.equal(handoffs.length, 4);
  });

  test('a session verified under one client CA does not resume once the listener trusts another (regression: shared ticket keys)', async () => {
    const port = (caPem: string): ReturnType<typeof tlsPort> => tlsPort([tlsServer('*', 'http', ['secret/default/ec'], { clientValidation: { caPem, mode: 'AllowValidOnly' } })]);
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const door = await startFrontDoor(port(clientCa.cert), { certificates });
      running.push(door);
      const first = await tlsExchange(door.port, { maxVersion, key: client.key, cert: client.cert });
      assert.equal(report(first.text).verified, true);
      door.door.apply(port(otherCa.cert), { backends: {}, certificates });
      const second = await tlsExchange(door.port, { maxVersion, key: client.key, cert: client.cert, session: first.session });
      assert.equal(second.sessionReused, false, maxVersion);
      assert.equal(second.text, '', `${maxVersion}: the client certificate was judged again, against the new CA`);
      assert.equal(door.handoffs.length, 1);
    }
  });

  test('front doors given the same ticket secret (worker processes) resume each other’s sessions', async () => {
    // Each process holds its own TicketSecret made from the same 48 bytes.
    const first = await startFrontDoor(tlsPort([tlsServer('*', 'http', ['secret/default/ec'])]), { certificates }, { ticketSecret: new TicketSecret(Buffer.alloc(48, 42)) });
    const second = await startFrontDoor(tlsPort([tlsServer('*', 'http', ['secret/default/ec'])]), { certificates }, { ticketSecret: new TicketSecret(Buffer.alloc(48, 42)) });
    const stranger = await startFrontDoor(tlsPort([tlsServer('*', 'http', ['secret/default/ec'])]), { certificates });
    running.push(first, second, stranger);
    const session = (await tlsExchange(first.port, {})).session;
    assert.equal((await tlsExchange(second.port, { session })).sessionReused, true);
    assert.equal((await tlsExchange(stranger.port, { session })).sessionReused, false);
  });

  test('rotation: after the secret is replaced, older tickets get a full handshake and newer ones resume (built contexts included)', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const secret = new TicketSecret(Buffer.alloc(48, 1));
      const door = await startFrontDoor(tlsPort([tlsServer('*', 'http', ['secret/default/ec'])]), { certificates }, { ticketSecret: secret });
      running.push(door);
      const before = (await tlsExchange(door.port, { maxVersion })).session;
      assert.equal((await tlsExchange(door.port, { maxVersion, session: before })).sessionReused, true, `${maxVersion}: resumes before the rotation`);
      secret.replace(Buffer.alloc(48, 2));
      const after = await tlsExchange(door.port, { maxVersion, session: before });
      assert.equal(after.error, undefined);
      assert.equal(after.sessionReused, false, `${maxVersion}: a ticket from before the rotation is not accepted`);
      assert.equal((await tlsExchange(door.port, { maxVersion, session: after.session })).sessionReused, true, `${maxVersion}: the new ticket resumes`);
      // Another process that got the same new secret accepts the new ticket too.
      const sibling = await startFrontDoor(tlsPort([tlsServer('*', 'http', ['secret/default/ec'])]), { certificates }, { ticketSecret: new TicketSecret(Buffer.alloc(48, 2)) });
      running.push(sibling);
      assert.equal((await tlsExchange(sibling.port, { maxVersion, session: after.session })).sessionReused, true, `${maxVersion}: a sibling with the new secret resumes it`);
    }
  });

  test('minimum version: TLS 1.2 by default, TLS 1.3 when the port asks', async () => {
    const modern = await start(tlsServer('*', 'http', ['secret/default/ec']));
    assert.equal((await tlsExchange(modern.port, { maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    assert.ok((await tlsExchange(modern.port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).error !== undefined, 'TLS 1.1 is refused');
    const strict = await start(tlsServer('*', 'http', ['secret/default/ec']), { minVersion: 'TLSv1.3' });
    assert.ok((await tlsExchange(strict.port, { maxVersion: 'TLSv1.2' })).error !== undefined, 'TLS 1.2 is refused when the minimum is 1.3');
    assert.equal((await tlsExchange(strict.port, {})).protocol, 'TLSv1.3');
  });

  test('the default TLS 1.2 ciphers are ECDHE with AEAD only; a port may name its own', async () => {
    const { port } = await start(tlsServer('*', 'http', ['secret/default/ec']));
    const tls12 = { maxVersion: 'TLSv1.2' as const };
    assert.equal((await tlsExchange(port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).error, undefined);
    for (const weak of ['ECDHE-ECDSA-AES128-SHA', 'AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-SHA384']) {
      assert.ok((await tlsExchange(port, { ...tls12, ciphers: weak })).error !== undefined, `${weak} is refused`);
    }
    const custom = await start(tlsServer('*', 'http', ['secret/default/ec']), { ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
    assert.ok((await tlsExchange(custom.port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).error !== undefined);
    assert.equal((await tlsExchange(custom.port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).error, undefined);
  });
});
