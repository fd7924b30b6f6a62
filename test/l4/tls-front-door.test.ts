// The TLS front door on real sockets: SNI selection (exact, wildcard, "*"),
// passthrough to a TLS backend, termination to TCP, lazy and cached
// certificate contexts, rotation, and connections that never say hello.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, afterEach, before, describe, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { IRCertificate } from '../../src/ir/types.ts';
import { opensslMissing } from '../echo/certs.ts';
import { eventually } from '../support/net.ts';
import { backendOf, backendsOf, startTcpBackend, streamRoute } from './helpers.ts';
import type { TcpBackend } from './helpers.ts';
import { createPki, irCertificate } from './pki.ts';
import type { Authority, Issued, Pki } from './pki.ts';
import { commonName, startFrontDoor, tlsExchange, tlsPort, tlsServer } from './tls-fixtures.ts';
import type { HandoffReport, RunningFrontDoor } from './tls-fixtures.ts';

const skip = opensslMissing();

describe('TLS front door', { skip }, () => {
  let pki: Pki;
  let ca: Authority;
  const issued: Record<string, Issued> = {};
  const certificates: Record<string, IRCertificate> = {};
  let plain: TcpBackend;
  let tlsEcho: EchoServer;
  const running: RunningFrontDoor[] = [];

  before(async () => {
    pki = await createPki();
    ca = await pki.authority('Portico Test Server CA');
    const names: Array<[string, string, string[]?]> = [
      ['shop', 'shop.example.com'],
      ['shop-rotated', 'shop.example.com'],
      ['wildcard', 'wildcard.example.com', ['*.example.com']],
      ['default', 'default.test'],
      ['tcp', 'tcp.example.com'],
      ['backend', 'backend.example.com'],
    ];
    for (const [key, commonName, dnsNames] of names) {
      issued[key] = await ca.issue(commonName, { dnsNames });
      certificates[`secret/default/${key}`] = irCertificate(issued[key]);
    }
    plain = await startTcpBackend('plain');
    tlsEcho = await startEcho({ name: 'tls-backend', tls: issued.backend as Issued });
  });
  after(async () => {
    await plain.close();
    await tlsEcho.close();
    await pki.remove();
  });
  afterEach(async () => {
    for (const door of running.splice(0)) await door.close(0);
  });

  async function start(...args: Parameters<typeof startFrontDoor>): Promise<RunningFrontDoor> {
    const door = await startFrontDoor(...args);
    running.push(door);
    return door;
  }

  const report = (text: string): HandoffReport => JSON.parse(text) as HandoffReport;

  test('SNI selects the exact name, then the longest wildcard, then "*" (which also takes clients without SNI)', async () => {
    const { port } = await start(tlsPort([
      tlsServer('shop.example.com', 'http', ['secret/default/shop']),
      tlsServer('*.example.com', 'http', ['secret/default/wildcard']),
      tlsServer('*', 'http', ['secret/default/default']),
    ]), { certificates });
    const table: Array<{ servername: string | undefined; listener: string; certificate: string }> = [
      { servername: 'shop.example.com', listener: 'shop.example.com', certificate: 'shop.example.com' },
      { servername: 'SHOP.example.com', listener: 'shop.example.com', certificate: 'shop.example.com' },
      { servername: 'blog.example.com', listener: 'wild.example.com', certificate: 'wildcard.example.com' },
      { servername: 'a.b.example.com', listener: 'wild.example.com', certificate: 'wildcard.example.com' },
      { servername: 'example.com', listener: 'any', certificate: 'default.test' },
      { servername: 'elsewhere.test', listener: 'any', certificate: 'default.test' },
      { servername: undefined, listener: 'any', certificate: 'default.test' },
    ];
    for (const { servername, listener, certificate } of table) {
      const outcome = await tlsExchange(port, servername === undefined ? {} : { servername });
      assert.equal(outcome.error, undefined, `${servername}: ${outcome.error}`);
      assert.equal(commonName(outcome.certificate), certificate, `certificate for ${servername}`);
      assert.equal(report(outcome.text).listener, `gateway/default/gw/listener/${listener}`, `listener for ${servername}`);
      assert.equal(report(outcome.text).serverName, servername?.toLowerCase() ?? null);
    }
  });

  test('a name no server takes is refused at the hello, and counted', async () => {
    const { port, door, handoffs } = await start(tlsPort([tlsServer('shop.example.com', 'http', ['secret/default/shop'])]), { certificates });
    const stranger = await tlsExchange(port, { servername: 'stranger.test' });
    assert.ok(stranger.error !== undefined, 'the handshake failed');
    const anonymous = await tlsExchange(port, {});
    assert.ok(anonymous.error !== undefined);
    assert.equal(door.counters.noServer, 2);
    assert.equal(handoffs.length, 0);
  });

  test('the HTTP hand-off gets the ALPN protocol agreed (http/1.1 offered)', async () => {
    const { port } = await start(tlsPort([tlsServer('*', 'http', ['secret/default/default'])]), { certificates });
    assert.equal(report((await tlsExchange(port, { ALPNProtocols: ['h2', 'http/1.1'] })).text).alpn, 'http/1.1');
    assert.equal(report((await tlsExchange(port, {})).text).alpn, null);
    const h2Only = await tlsExchange(port, { ALPNProtocols: ['h2'] });
    assert.ok(h2Only.error !== undefined, 'a client that speaks only h2 is refused while HTTP/2 is off');
  });

  test('passthrough: the client handshakes with the backend itself, through the front door', async () => {
    const { port } = await start(tlsPort([
      tlsServer('backend.example.com', 'passthrough', [], { route: streamRoute('TLSRoute', { weight: 1, backend: 'echo' }) }),
      tlsServer('shop.example.com', 'http', ['secret/default/shop']),
    ]), { certificates, backends: backendsOf(backendOf('echo', tlsEcho.port)) });
    const { status, body, fingerprint } = await new Promise<{ status: number; body: string; fingerprint: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, servername: 'backend.example.com', ca: ca.cert, path: '/through', headers: { host: 'backend.example.com' }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, fingerprint: (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '' }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.equal((JSON.parse(body) as { path: string }).path, '/through');
    // Verified against the CA, and it is the backend's own certificate.
    assert.equal(fingerprint, new X509Certificate((issued.backend as Issued).cert).fingerprint256);
  });

  test('terminate to TCP: plaintext reaches the backend; half-close and the backend’s answer come back over TLS', async () => {
    const { port, door } = await start(tlsPort([
      tlsServer('tcp.example.com', 'tcp', ['secret/default/tcp'], { route: streamRoute('TLSRoute', { weight: 1, backend: 'plain' }) }),
    ]), { certificates, backends: backendsOf(backendOf('plain', plain.port)) });
    const outcome = await tlsExchange(port, { servername: 'tcp.example.com', send: 'over tls', halfClose: true });
    assert.equal(outcome.error, undefined);
    assert.equal(commonName(outcome.certificate), 'tcp.example.com');
    assert.equal(outcome.text, 'hello from plain\nover tlsbye after 8 bytes\n');
    assert.equal(door.counters.forwarded, 1);
  });

  test('a passthrough or tcp server without a valid backend closes the connection', async () => {
    const { port, door } = await start(tlsPort([
      tlsServer('backend.example.com', 'passthrough', [], { route: streamRoute('TLSRoute', { weight: 1, status: 500 }) }),
      tlsServer('tcp.example.com', 'tcp', ['secret/default/tcp'], { route: streamRoute('TLSRoute', { weight: 1, status: 500 }) }),
    ]), { certificates });
    assert.ok((await tlsExchange(port, { servername: 'backend.example.com' })).error !== undefined);
    const terminated = await tlsExchange(port, { servername: 'tcp.example.com', send: 'x' });
    assert.equal(terminated.text, '');
    assert.equal(door.counters.noBackend, 2);
  });

  test('contexts are built at the first handshake that needs them, once per certificate set', async () => {
    const servers = [];
    const many: Record<string, IRCertificate> = {};
    // 5,000 tenants, each with its own certificate (the same key pair under
    // 5,000 hashes: the store keys by hash, as it would distinct ones).
    for (let i = 0; i < 5000; i++) {
      many[`secret/tenants/t${i}`] = { ...(certificates['secret/default/wildcard'] as IRCertificate), hash: `tenant-${i}` };
      servers.push(tlsServer(`t${i}.example.com`, 'http', [`secret/tenants/t${i}`]));
    }
    const { port, door } = await start(tlsPort(servers), { certificates: many });
    assert.deepEqual(door.contexts, { built: 0, kept: 0 });
    assert.equal(report((await tlsExchange(port, { servername: 't4321.example.com' })).text).listener, 'gateway/default/gw/listener/t4321.example.com');
    await tlsExchange(port, { servername: 't4321.example.com' });
    assert.deepEqual(door.contexts, { built: 1, kept: 1 });
    await tlsExchange(port, { servername: 't7.example.com' });
    assert.deepEqual(door.contexts, { built: 2, kept: 2 });
  });

  test('rotation: a new certificate hash serves new connections; unchanged certificates are not rebuilt', async () => {
    const port = (shop: string): ReturnType<typeof tlsPort> => tlsPort([
      tlsServer('shop.example.com', 'http', [shop]),
      tlsServer('*', 'http', ['secret/default/default']),
    ]);
    const running = await start(port('secret/default/shop'), { certificates });
    const first = await tlsExchange(running.port, { servername: 'shop.example.com' });
    await tlsExchange(running.port, {});
    assert.equal(first.certificate?.fingerprint256, new X509Certificate((issued.shop as Issued).cert).fingerprint256);
    assert.deepEqual(running.door.contexts, { built: 2, kept: 2 });

    // The Secret changes: same name, new content, new hash.
    const rotated = { ...certificates, 'secret/default/shop': certificates['secret/default/shop-rotated'] as IRCertificate };
    running.door.apply(port('secret/default/shop'), { backends: {}, certificates: rotated });
    const second = await tlsExchange(running.port, { servername: 'shop.example.com' });
    await tlsExchange(running.port, {});
    assert.equal(second.certificate?.fingerprint256, new X509Certificate((issued['shop-rotated'] as Issued).cert).fingerprint256);
    assert.deepEqual(running.door.contexts, { built: 3, kept: 2 }, 'only the rotated certificate was built again');
  });

  test('bytes that are not a TLS hello, and hellos that never finish, close the connection', async () => {
    const { port, door } = await start(tlsPort([tlsServer('*', 'http', ['secret/default/default'])]), { certificates }, { hello: { timeoutMs: 150 } });
    const closedAfter = (payload: string): Promise<void> => new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(payload));
      socket.on('error', () => undefined);
      socket.on('end', () => socket.destroy());
      socket.on('close', () => resolve());
    });
    await closedAfter('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closedAfter('\x16\x03\x01\x02\x00\x01');
    await eventually(() => assert.deepEqual([door.counters.helloRejected['not-tls'], door.counters.helloRejected.timeout], [1, 1]));
  });

  test('close(drain): relays under way end at the deadline; new connections are refused', async () => {
    const running = await start(tlsPort([
      tlsServer('tcp.example.com', 'tcp', ['secret/default/tcp'], { route: streamRoute('TLSRoute', { weight: 1, backend: 'plain' }) }),
    ]), { certificates, backends: backendsOf(backendOf('plain', plain.port)) });
    const { port, door } = running;
    const open = tlsExchange(port, { servername: 'tcp.example.com', send: 'stay' });
    await eventually(() => assert.equal(door.counters.forwarded, 1));
    await running.close(1000);
    const outcome = await open;
    assert.equal(outcome.text, 'hello from plain\nstay');
    await assert.rejects(new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket.destroy()));
      socket.on('error', reject);
    }), /ECONNREFUSED/);
  });
});
