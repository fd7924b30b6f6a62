// TLS passthrough, TLS terminated to TCP, TCP and UDP ports served by the
// DataPlane on real sockets, ports changing kind across applies, and the
// seams an HTTP/2 engine plugs into.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import { after, afterEach, before, describe, it } from 'node:test';
import { DataPlane } from '../../src/dataplane/runtime.ts';
import type { ConnectionInfo, DataPlaneOptions, Http2Engine } from '../../src/dataplane/runtime.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { IR, IRCertificate, IRPort } from '../../src/ir/types.ts';
import { silentLogger } from '../../src/telemetry/log.ts';
import { opensslMissing } from '../echo/certs.ts';
import { backendOf, startTcpBackend, startUdpBackend, streamRoute, tcpClient, tcpPort, udpPort } from '../l4/helpers.ts';
import type { TcpBackend, UdpBackend } from '../l4/helpers.ts';
import { createPki, irCertificate } from '../l4/pki.ts';
import type { Authority, Issued, Pki } from '../l4/pki.ts';
import { eventually } from '../support/net.ts';
import { backend, freePort, get, rawSocket } from './helpers.ts';
import { gatewayIR, httpsGet, httpsPort, plainPort, server, tlsSocket } from './ports-helpers.ts';

const skip = opensslMissing();

describe('stream ports and port kinds', { skip }, () => {
  let pki: Pki;
  let ca: Authority;
  const issued: Record<string, Issued> = {};
  const certificates: Record<string, IRCertificate> = {};
  let plainA: TcpBackend;
  let plainB: TcpBackend;
  let udpA: UdpBackend;
  let echo: EchoServer;
  let tlsEcho: EchoServer;
  let dataPlane: DataPlane | undefined;
  const clients: DgramSocket[] = [];

  before(async () => {
    pki = await createPki();
    ca = await pki.authority('Portico Test CA');
    for (const [key, name] of [['front', 'front.example.com'], ['backend', 'backend.example.com']] as const) {
      issued[key] = await ca.issue(name);
      certificates[`secret/default/${key}`] = irCertificate(issued[key]);
    }
    plainA = await startTcpBackend('a');
    plainB = await startTcpBackend('b');
    udpA = await startUdpBackend('udp-a');
    echo = await startEcho({ name: 'echo' });
    tlsEcho = await startEcho({ name: 'tls-echo', tls: issued.backend as Issued });
  });
  after(async () => {
    await Promise.all([plainA.close(), plainB.close(), udpA.close(), echo.close(), tlsEcho.close()]);
    await pki.remove();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await dataPlane?.close({ drainTimeoutMs: 200 });
    dataPlane = undefined;
  });

  const backends = () => [backendOf('a', plainA.port), backendOf('b', plainB.port), backendOf('udp-a', udpA.port), backend('echo', [echo.port]), backendOf('tls-echo', tlsEcho.port)];
  const start = (options: Partial<DataPlaneOptions> = {}): DataPlane => {
    dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger(), drainTimeoutMs: 1000, ...options });
    return dataPlane;
  };
  const ir = (...ports: IRPort[]): IR => gatewayIR(ports, backends(), certificates);
  const tcpTo = (port: number, name: string): IRPort => tcpPort(streamRoute('TCPRoute', { weight: 1, backend: name }), { port, name: `gateway/default/gw/port/${port}` });
  const udpTo = (port: number, name: string): IRPort => udpPort(streamRoute('UDPRoute', { weight: 1, backend: name }), { port, name: `gateway/default/gw/port/${port}` });

  async function udpExchange(port: number, message: string): Promise<string> {
    const client = createSocket('udp4');
    clients.push(client);
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    return eventually(() => new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no UDP reply')), 300);
      client.once('message', (reply) => {
        clearTimeout(timer);
        resolve(reply.toString());
      });
      client.send(message, port, '127.0.0.1');
    }), { timeoutMs: 3000 });
  }

  it('passes TLS through by SNI: the client handshakes with the backend itself', async () => {
    const dp = start();
    const port = await freePort();
    await dp.apply(ir(httpsPort(port, [
      server('backend.example.com', 'passthrough', [], { mode: 'passthrough', route: streamRoute('TLSRoute', { weight: 1, backend: 'tls-echo' }) }),
    ], [])));
    const response = await httpsGet(port, { servername: 'backend.example.com', path: '/through' });
    assert.equal(response.certificate, 'backend.example.com', 'the backend\'s certificate');
    assert.equal((JSON.parse(response.body) as { name: string }).name, 'tls-echo');
  });

  it('terminates TLS and relays the plaintext to a TCP backend', async () => {
    const dp = start();
    const port = await freePort();
    await dp.apply(ir(httpsPort(port, [
      server('front.example.com', 'terminate', ['secret/default/front'], { mode: 'tcp', route: streamRoute('TLSRoute', { weight: 1, backend: 'a' }) }),
    ], [])));
    const socket = await tlsSocket(port, { servername: 'front.example.com' });
    try {
      assert.equal(socket.getPeerX509Certificate()?.subject.includes('CN=front.example.com'), true);
      await socket.waitFor(/hello from a\n/);
      socket.write('ping');
      await socket.waitFor(/hello from a\nping/);
    } finally {
      socket.destroy();
    }
  });

  it('TCP port: half-close reaches the backend, and a reload leaves a live connection on the backend it has', async () => {
    const dp = start();
    const port = await freePort();
    await dp.apply(ir(tcpTo(port, 'a')));
    const live = await tcpClient(port);
    await live.until((text) => text.includes('hello from a'));

    const result = await dp.apply(ir(tcpTo(port, 'b')));
    assert.deepEqual(result, { added: [], removed: [], kept: [port], changed: [] });
    const fresh = await tcpClient(port);
    await fresh.until((text) => text.includes('hello from b'));

    live.socket.end('after reload');
    await live.until((text) => text.includes('after reload') && text.includes('bye after 12 bytes'));
    await live.gone;
    fresh.socket.destroy();
    const stats = dp.stats().find((entry) => entry.port === port);
    assert.equal(stats?.kind, 'tcp');
    assert.equal(stats?.tcp?.forwarded, 2);
  });

  it('UDP port: datagrams go to the backend and replies come back; TCP and UDP share a port number as two sockets', async () => {
    const dp = start();
    const port = await freePort();
    const result = await dp.apply(ir(udpTo(port, 'udp-a'), tcpTo(port, 'a')));
    assert.deepEqual(result.added, [port, port]);
    assert.equal(await udpExchange(port, 'ping'), 'udp-a:ping');
    const tcp = await tcpClient(port);
    await tcp.until((text) => text.includes('hello from a'));
    tcp.socket.destroy();
    assert.deepEqual(dp.listening().map((entry) => entry.transport).sort(), ['tcp', 'udp']);
    const udpStats = dp.stats().find((entry) => entry.transport === 'udp');
    assert.equal(udpStats?.udp?.sessionsCreated, 1);
    assert.equal(dp.activeConnections().udp, 1);

    const removed = await dp.apply(ir(tcpTo(port, 'a')));
    assert.deepEqual(removed.removed, [port], 'the UDP socket goes, the TCP one stays');
    assert.deepEqual(dp.listening().map((entry) => entry.transport), ['tcp']);
  });

  it('a port changing kind keeps its socket: HTTP → HTTPS → TCP, open connections finish on the kind they started with', async () => {
    const dp = start();
    const port = await freePort();
    const plain = plainPort(port, [{ hostname: '*', section: 'http', backend: 'echo' }]);
    await dp.apply(ir(plain));
    const keptAlive = await rawSocket(port);
    keptAlive.write('GET /before HTTP/1.1\r\nHost: x\r\n\r\n');
    await keptAlive.waitFor('"path": "/before"');

    const toHttps = await dp.apply(ir(httpsPort(port, [server('*', 'https', ['secret/default/front'])], [{ hostname: '*', section: 'https', backend: 'echo' }])));
    assert.deepEqual(toHttps, { added: [], removed: [], kept: [port], changed: [port] });
    const secure = await httpsGet(port, { servername: 'front.example.com', path: '/after' });
    assert.equal(secure.status, 200);
    assert.equal(secure.certificate, 'front.example.com');
    // The idle plain connection was drained: closed by the data plane, not served as HTTPS.
    await eventually(() => assert.ok(keptAlive.destroyed || keptAlive.readableEnded, 'the plain connection is closed'));

    const toTcp = await dp.apply(ir(tcpTo(port, 'b')));
    assert.deepEqual(toTcp.changed, [port]);
    const tcp = await tcpClient(port);
    await tcp.until((text) => text.includes('hello from b'));
    tcp.socket.destroy();
  });

  it('hands HTTP/2 to the HTTP/2 engine: the h2c preface on a plain port, ALPN h2 on a TLS port', async () => {
    const handed: Array<{ head: string; info: ConnectionInfo }> = [];
    const http2: Http2Engine = {
      serveConnection(socket, head, info) {
        handed.push({ head: head.toString('latin1'), info });
        socket.end('taken by h2\n');
      },
    };
    const dp = start({ http2 });
    const httpPort = await freePort();
    const tlsPort = await freePort();
    await dp.apply(ir(
      plainPort(httpPort, [{ hostname: '*', section: 'http', backend: 'echo' }]),
      httpsPort(tlsPort, [server('*', 'https', ['secret/default/front'])], [{ hostname: '*', section: 'https', backend: 'echo' }]),
    ));
    const preface = await rawSocket(httpPort);
    preface.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    await preface.waitFor('taken by h2');
    assert.equal(handed[0]?.head, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    assert.deepEqual(handed[0]?.info, { port: httpPort, scheme: 'http', tls: undefined });
    assert.equal((await get(httpPort, '/h1')).status, 200, 'HTTP/1.1 on the same port is unchanged');

    const h2 = await tlsSocket(tlsPort, { servername: 'front.example.com', ALPNProtocols: ['h2', 'http/1.1'] });
    await h2.waitFor(/taken by h2/);
    h2.destroy();
    assert.equal(handed[1]?.info.scheme, 'https');
    assert.equal(handed[1]?.info.tls?.alpn, 'h2');
    assert.equal(handed[1]?.info.tls?.listener, 'gateway/default/gw/listener/https');
    const h1 = await httpsGet(tlsPort, { servername: 'front.example.com', ALPNProtocols: ['http/1.1'] });
    assert.equal(h1.status, 200, 'clients offering http/1.1 only stay with the HTTP/1.1 engine');
  });
});
