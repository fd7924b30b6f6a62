// HTTPS ports served by the DataPlane on real sockets: SNI picks the
// certificate (exact, wildcard, default), requests reach the HTTP engine with
// scheme https, misdirected requests answer 421, client certificates are
// checked and their identity forwarded, and certificates rotate through apply.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataPlane } from '../../src/dataplane/runtime.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { RequestDescription } from '../../src/echo/describe.ts';
import type { IR, IRCertificate } from '../../src/ir/types.ts';
import { silentLogger } from '../../src/telemetry/log.ts';
import { opensslMissing } from '../echo/certs.ts';
import { createPki, irCertificate } from '../l4/pki.ts';
import type { Authority, Issued, Pki } from '../l4/pki.ts';
import { backend, freePort } from './helpers.ts';
import { gatewayIR, httpsGet, httpsPort, server, tlsSocket } from './ports-helpers.ts';
import type { VhostSpec } from './ports-helpers.ts';

const skip = opensslMissing();

describe('HTTPS ports', { skip }, () => {
  let pki: Pki;
  let serverCa: Authority;
  let clientCa: Authority;
  const issued: Record<string, Issued> = {};
  const certificates: Record<string, IRCertificate> = {};
  let echo: EchoServer;
  let dataPlane: DataPlane;
  let port: number;

  before(async () => {
    pki = await createPki();
    serverCa = await pki.authority('Portico Test Server CA');
    clientCa = await pki.authority('Portico Test Client CA');
    const names: Array<[string, string, string[]?]> = [
      ['shop', 'shop.example.com'],
      ['shop-rotated', 'shop.example.com'],
      ['wildcard', 'wildcard.example.com', ['*.example.com']],
      ['default', 'default.test'],
    ];
    for (const [key, commonName, dnsNames] of names) {
      issued[key] = await serverCa.issue(commonName, { dnsNames });
      certificates[`secret/default/${key}`] = irCertificate(issued[key]);
    }
    issued.client = await clientCa.issue('client', { dnsNames: ['client.example'], uris: ['spiffe://example.org/ns/default/sa/client'] });
    issued.stranger = await serverCa.issue('stranger');
    echo = await startEcho({ name: 'echo' });
    dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger(), drainTimeoutMs: 1000 });
    port = await freePort();
  });
  after(async () => {
    await dataPlane.close({ drainTimeoutMs: 500 });
    await echo.close();
    await pki.remove();
  });

  const backends = () => [backend('echo', [echo.port])];
  const apply = (ir: IR) => dataPlane.apply(ir);
  const described = (body: string): RequestDescription => JSON.parse(body) as RequestDescription;

  it('selects the certificate by SNI (exact, then wildcard, then the default, also without SNI) and forwards with scheme https', async () => {
    await apply(gatewayIR([httpsPort(port, [
      server('shop.example.com', 'shop', ['secret/default/shop']),
      server('*.example.com', 'wild', ['secret/default/wildcard']),
      server('*', 'any', ['secret/default/default']),
    ], [
      { hostname: 'shop.example.com', section: 'shop', backend: 'echo' },
      { hostname: '*.example.com', section: 'wild', backend: 'echo' },
      { hostname: '*', section: 'any', backend: 'echo', rule: { redirect: { path: { type: 'ReplaceFullPath', value: '/moved' }, statusCode: 302 } } },
    ])], backends(), certificates));
    const table: Array<{ servername: string | undefined; host: string; certificate: string; status: number }> = [
      { servername: 'shop.example.com', host: 'shop.example.com', certificate: 'shop.example.com', status: 200 },
      { servername: 'blog.example.com', host: 'blog.example.com', certificate: 'wildcard.example.com', status: 200 },
      { servername: 'other.test', host: 'other.test', certificate: 'default.test', status: 302 },
      { servername: undefined, host: 'other.test', certificate: 'default.test', status: 302 },
    ];
    for (const { servername, host, certificate, status } of table) {
      // Node sends no SNI for an IP address, which is how "no SNI" is made here.
      const response = await httpsGet(port, { servername: servername ?? '', host, path: '/p' });
      assert.equal(response.certificate, certificate, `certificate for SNI ${servername}`);
      assert.equal(response.status, status, `status for SNI ${servername}`);
      if (status === 200) {
        const seen = described(response.body);
        assert.deepEqual(seen.headers['x-forwarded-proto'], ['https']);
        assert.match(seen.headers.forwarded?.[0] ?? '', /;proto=https$/);
      } else {
        assert.equal(response.headers.location, `https://${host}/moved`, 'a redirect keeps the https scheme');
      }
    }
  });

  it('answers 421 when the Host belongs to another listener on the port (the conformance suite\'s table)', async () => {
    const cert = ['secret/default/default'];
    await apply(gatewayIR([httpsPort(port, [
      server('*', 'https', cert),
      server('second-example.org', 'https-with-hostname', cert),
      server('*.wildcard.org', 'https-with-wildcard-hostname', cert),
      server('fourth-example.wildcard.org', 'https-with-hostname-matching-wildcard', cert),
    ], [
      { hostname: 'example.org', section: 'https', backend: 'echo' },
      { hostname: 'second-example.org', section: 'https-with-hostname', backend: 'echo' },
      { hostname: '*.wildcard.org', section: 'https-with-wildcard-hostname', backend: 'echo' },
      { hostname: 'fourth-example.wildcard.org', section: 'https-with-hostname-matching-wildcard', backend: 'echo' },
    ] satisfies VhostSpec[])], backends(), certificates));
    const cases: Array<[string, string, number]> = [
      ['example.org', 'example.org', 200],
      ['example.org', 'second-example.org', 421],
      ['example.org', 'unknown-example.org', 404],
      ['second-example.org', 'second-example.org', 200],
      ['second-example.org', 'example.org', 421],
      ['second-example.org', 'unknown-example.org', 421],
      ['third-example.wildcard.org', 'third-example.wildcard.org', 200],
      ['third-example.wildcard.org', 'fith-example.wildcard.org', 200],
      ['third-example.wildcard.org', 'fourth-example.wildcard.org', 421],
      ['third-example.wildcard.org', 'second-example.org', 421],
      ['third-example.wildcard.org', 'unknown-example.org', 421],
      ['fourth-example.wildcard.org', 'fourth-example.wildcard.org', 200],
      ['fourth-example.wildcard.org', 'fith-example.wildcard.org', 421],
      ['unknown-example.org', 'example.org', 200],
      ['unknown-example.org', 'unknown-example.org', 404],
    ];
    for (const [servername, host, status] of cases) {
      const response = await httpsGet(port, { servername, host, path: '/detect-misdirected-requests' });
      assert.equal(response.status, status, `SNI ${servername}, Host ${host}`);
    }
  });

  describe('client certificates', () => {
    const mtlsIR = (mode: 'AllowValidOnly' | 'AllowInsecureFallback', forwardClientCert = true): IR => gatewayIR([httpsPort(port, [
      server('shop.example.com', 'shop', ['secret/default/shop'], { clientValidation: { caPem: clientCa.cert, mode }, forwardClientCert }),
    ], [{ hostname: 'shop.example.com', section: 'shop', backend: 'echo' }])], backends(), certificates);
    const spoofed = { 'x-forwarded-client-cert': 'Hash=forged;Subject="CN=admin"' };
    const forwarded = (body: string): string[] | undefined => described(body).headers['x-forwarded-client-cert'];

    it('AllowValidOnly: no handshake without a valid certificate; a verified identity is forwarded, a client-sent one never', async () => {
      await apply(mtlsIR('AllowValidOnly'));
      await assert.rejects(httpsGet(port, { servername: 'shop.example.com' }), 'no client certificate');
      await assert.rejects(httpsGet(port, { servername: 'shop.example.com', cert: issued.stranger?.cert, key: issued.stranger?.key }), 'a certificate from another CA');
      const response = await httpsGet(port, { servername: 'shop.example.com', cert: issued.client?.cert, key: issued.client?.key, headers: spoofed });
      assert.equal(response.status, 200);
      const [value, ...more] = forwarded(response.body) ?? [];
      assert.equal(more.length, 0, 'one header, the client\'s copy dropped');
      assert.match(value ?? '', /^Hash=[0-9a-f]{64};Subject="CN=client,O=Portico Tests";URI=spiffe:\/\/example.org\/ns\/default\/sa\/client;DNS=client.example$/);
    });

    it('AllowInsecureFallback: clients without a valid certificate get in, with no identity forwarded', async () => {
      await apply(mtlsIR('AllowInsecureFallback'));
      const anonymous = await httpsGet(port, { servername: 'shop.example.com', headers: spoofed });
      assert.equal(anonymous.status, 200);
      assert.equal(forwarded(anonymous.body), undefined);
      const stranger = await httpsGet(port, { servername: 'shop.example.com', cert: issued.stranger?.cert, key: issued.stranger?.key, headers: spoofed });
      assert.equal(stranger.status, 200);
      assert.equal(forwarded(stranger.body), undefined);
      const verified = await httpsGet(port, { servername: 'shop.example.com', cert: issued.client?.cert, key: issued.client?.key });
      assert.match(forwarded(verified.body)?.[0] ?? '', /Subject="CN=client,O=Portico Tests"/);
    });

    it('without forwardClientCert the identity stays at the gateway (and spoofed copies are still dropped)', async () => {
      await apply(mtlsIR('AllowValidOnly', false));
      const response = await httpsGet(port, { servername: 'shop.example.com', cert: issued.client?.cert, key: issued.client?.key, headers: spoofed });
      assert.equal(response.status, 200);
      assert.equal(forwarded(response.body), undefined);
    });
  });

  it('rotates a certificate through apply: new handshakes see the new one, open connections keep working', async () => {
    const withCertificate = (name: string): IR => gatewayIR([httpsPort(port, [server('shop.example.com', 'shop', ['secret/default/shop'])], [
      { hostname: 'shop.example.com', section: 'shop', backend: 'echo' },
    ])], backends(), { 'secret/default/shop': certificates[name] as IRCertificate });
    await apply(withCertificate('secret/default/shop'));
    const before = await tlsSocket(port, { servername: 'shop.example.com' });
    try {
      // A first answer: the server has finished its side of the handshake too
      // (a handshake still under way when its certificate changes is refused).
      before.write('GET /first HTTP/1.1\r\nHost: shop.example.com\r\n\r\n');
      await before.waitFor(/"path": "\/first"/);
      const serialBefore = before.getPeerX509Certificate()?.serialNumber;
      await apply(withCertificate('secret/default/shop-rotated'));
      const after = await tlsSocket(port, { servername: 'shop.example.com' });
      const serialAfter = after.getPeerX509Certificate()?.serialNumber;
      after.destroy();
      assert.notEqual(serialAfter, serialBefore, 'a new handshake gets the rotated certificate');
      before.write('GET /still HTTP/1.1\r\nHost: shop.example.com\r\n\r\n');
      await before.waitFor(/"path": "\/still"/);
    } finally {
      before.destroy();
    }
  });

  it('5,000 certificates: contexts are built at first handshake, and adding one certificate rebuilds none of the others', async () => {
    // One key pair under 5,000 names and hashes: the data plane keys contexts by IRCertificate.hash.
    const pem = certificates['secret/default/wildcard'] as IRCertificate;
    const tenants = (count: number): IR => {
      const table: Record<string, IRCertificate> = {};
      const servers = [];
      const vhosts: VhostSpec[] = [];
      for (let i = 0; i < count; i++) {
        table[`secret/default/t${i}`] = { ...pem, hash: `tenant-${i}` };
        servers.push(server(`t${i}.example.com`, `t${i}`, [`secret/default/t${i}`]));
        vhosts.push({ hostname: `t${i}.example.com`, section: `t${i}`, backend: 'echo' });
      }
      return gatewayIR([httpsPort(port, servers, vhosts)], backends(), table);
    };
    const contexts = () => dataPlane.stats().find((entry) => entry.port === port)?.tlsContexts;
    await apply(tenants(5000));
    const builtBefore = contexts()?.built ?? 0;
    for (const name of ['t1.example.com', 't4999.example.com']) assert.equal((await httpsGet(port, { servername: name })).status, 200);
    assert.equal(contexts()?.built, builtBefore + 2, 'one context per name that handshook');
    await apply(tenants(5001));
    for (const name of ['t1.example.com', 't4999.example.com']) assert.equal((await httpsGet(port, { servername: name })).status, 200);
    assert.equal(contexts()?.built, builtBefore + 2, 'the kept certificates reuse their contexts');
    assert.equal((await httpsGet(port, { servername: 't5000.example.com' })).status, 200);
    assert.equal(contexts()?.built, builtBefore + 3, 'the added one is built at its first handshake');
  });

  it('reports TLS counters and open connections per port', async () => {
    await apply(gatewayIR([httpsPort(port, [server('shop.example.com', 'shop', ['secret/default/shop'])], [
      { hostname: 'shop.example.com', section: 'shop', backend: 'echo' },
    ])], backends(), certificates));
    const open = await tlsSocket(port, { servername: 'shop.example.com' });
    try {
      await assert.rejects(httpsGet(port, { servername: 'nobody.test' }), 'no server for the name');
      const stats = dataPlane.stats().find((entry) => entry.port === port);
      assert.equal(stats?.kind, 'tls');
      assert.ok((stats?.tls?.noServer ?? 0) >= 1);
      assert.ok((stats?.tls?.httpHandoffs ?? 0) >= 1);
      assert.ok(dataPlane.activeConnections().tls >= 1);
    } finally {
      open.destroy();
    }
  });
});
