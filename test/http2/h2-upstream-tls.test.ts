// HTTP/2 to backends over TLS: an h2c backend (appProtocol kubernetes.io/h2c)
// with a BackendTLSPolicy is reached with TLS and ALPN h2, through the same
// dialer as HTTP/1.1 TLS backends: the policy's SNI, its CA, the Gateway's
// client certificate, one multiplexed connection, session resumption, new
// connections after a policy change. A backend that does not pick h2, or
// whose certificate fails the checks, answers 503 with the reason logged.
// gRPC (GRPCRoute backends are h2c) works end to end against a TLS server.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import type { IR, IRBackendTls } from '../../src/ir/types.ts';
import { memoryLogger } from '../../src/telemetry/log.ts';
import { createPki } from '../l4/pki.ts';
import type { Authority, Issued, Pki } from '../l4/pki.ts';
import { backend, buildIR, get, rule, startDataPlane, to } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';

const CLIENT_CERT = 'secret/default/gateway-client';

/** What the backend saw of one request's connection. */
interface Seen {
  path: string;
  servername: string;
  alpn: string;
  clientCn: string;
}

describe('HTTP/2 backends over TLS', () => {
  let pki: Pki;
  let ca: Authority;
  let otherCa: Authority;
  let clientCa: Authority;
  let gatewayClient: Issued;
  let server: Http2SecureServer;
  let port: number;
  const seen: Seen[] = [];
  let handshakes = 0;
  let resumed = 0;

  before(async () => {
    pki = await createPki();
    ca = await pki.authority('backend-ca');
    otherCa = await pki.authority('other-ca');
    clientCa = await pki.authority('client-ca');
    gatewayClient = await clientCa.issue('portico-gateway');
    const serving = await ca.issue('backend.example.com', { dnsNames: ['backend.example.com', 'alt.example.com'] });
    server = createSecureServer({ cert: serving.cert, key: serving.key, ca: clientCa.cert, requestCert: true, rejectUnauthorized: false });
    server.on('secureConnection', (socket: TLSSocket) => {
      handshakes++;
      if (socket.isSessionReused()) resumed++;
    });
    server.on('stream', (stream, headers) => {
      const socket = stream.session?.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      seen.push({
        path: String(headers[':path']),
        servername: (socket as TLSSocket & { servername?: string }).servername ?? '',
        alpn: String(socket.alpnProtocol),
        clientCn: socket.authorized ? String(peer.subject.CN) : 'none',
      });
      stream.on('error', () => {});
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'x-seen-alpn': String(socket.alpnProtocol) });
        stream.end(`got ${Buffer.concat(chunks).length} bytes`);
        // Ends the connection after this answer: the next request needs a new one.
        if (headers['x-goaway'] !== undefined) stream.session?.close();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.close();
    await pki.remove();
  });

  const tlsTo = (extra: Partial<IRBackendTls> = {}): IRBackendTls => ({ sni: 'backend.example.com', caPem: ca.cert, clientCertificate: CLIENT_CERT, ...extra });
  const build = (tls: IRBackendTls, backendPort = port) => (listen: number): IR => {
    const ir = buildIR(listen, [{ rule: rule('r', { backends: [to('b')] }) }], [backend('b', [backendPort], { protocol: 'h2c', tls })]);
    const gateway = ir.gateways[0];
    if (gateway !== undefined) gateway.certificates = { [CLIENT_CERT]: { certPem: gatewayClient.cert, keyPem: gatewayClient.key, hash: 'gateway-client-1' } };
    return ir;
  };

  it('sends HTTP/1.1 and HTTP/2 clients over one TLS connection with ALPN h2, the policy SNI and the Gateway client certificate', async () => {
    const dp = await startDataPlane(build(tlsTo()), { http2: new Http2FrontEnd() });
    const session = await h2Session(dp.port);
    try {
      const before = handshakes;
      const first = await get(dp.port, '/h1', { method: 'POST', body: 'hello' });
      assert.equal(first.status, 200, first.body);
      assert.equal(first.body, 'got 5 bytes');
      assert.equal(first.headers['x-seen-alpn'], 'h2');
      const fromH2 = await Promise.all([1, 2, 3].map((i) => h2Request(session, { ':path': `/h2/${i}` })));
      assert.deepEqual(fromH2.map((response) => response.status), [200, 200, 200]);
      assert.equal(handshakes - before, 1, 'one multiplexed TLS connection');
      for (const entry of seen.slice(-4)) {
        assert.deepEqual({ servername: entry.servername, alpn: entry.alpn, clientCn: entry.clientCn }, { servername: 'backend.example.com', alpn: 'h2', clientCn: 'portico-gateway' });
      }
    } finally {
      session.destroy();
      await dp.close();
    }
  });

  it('a new connection resumes the TLS session; a policy change gets a new connection under the new settings', async () => {
    const dp = await startDataPlane(build(tlsTo()));
    try {
      assert.equal((await get(dp.port, '/warm', { headers: { 'x-goaway': '1' } })).status, 200);
      const handshakesBefore = handshakes;
      const resumedBefore = resumed;
      assert.equal((await get(dp.port, '/again')).status, 200);
      assert.equal(handshakes - handshakesBefore, 1);
      assert.equal(resumed - resumedBefore, 1, 'the second connection resumed the first one\'s session');

      await dp.dataPlane.apply(build(tlsTo({ sni: 'alt.example.com' }))(dp.port));
      const afterChange = handshakes;
      const response = await get(dp.port, '/changed');
      assert.equal(response.status, 200, response.body);
      assert.equal(handshakes - afterChange, 1, 'the old session is not reused under other settings');
      assert.equal(seen.at(-1)?.servername, 'alt.example.com');
    } finally {
      await dp.close();
    }
  });

  // The HTTP/1.1-only backend refuses the handshake (no_application_protocol
  // alert); the one without ALPN completes it without selecting a protocol.
  const failures: Array<{ name: string; tls: () => IRBackendTls; backend?: 'http1-only' | 'no-alpn'; logged: RegExp }> = [
    { name: 'an untrusted certificate', tls: () => tlsTo({ caPem: otherCa.cert }), logged: /TLS handshake with the backend \(SNI backend\.example\.com\) failed/ },
    { name: 'a certificate for another name', tls: () => tlsTo({ sni: 'someone-else.example.com' }), logged: /TLS handshake .* failed/ },
    { name: 'an HTTP/1.1-only backend', tls: () => tlsTo(), backend: 'http1-only', logged: /TLS handshake .* failed: .*no application protocol/ },
    { name: 'a backend that selects no protocol in ALPN', tls: () => tlsTo(), backend: 'no-alpn', logged: /did not select h2 in ALPN \(it selected none\)/ },
  ];
  for (const row of failures) {
    it(`${row.name} answers 503 with the reason, logged once`, async () => {
      const serving = await ca.issue('backend.example.com');
      const other = row.backend === 'no-alpn'
        ? createTlsServer({ cert: serving.cert, key: serving.key }, (socket) => socket.on('error', () => {}))
        : createHttpsServer({ cert: serving.cert, key: serving.key, ALPNProtocols: ['http/1.1'] }, (_req, res) => res.end('http/1.1 only'));
      const sockets = new Set<Socket>();
      other.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      other.listen(0, '127.0.0.1');
      await once(other, 'listening');
      const logger = memoryLogger();
      const backendPort = row.backend === undefined ? port : (other.address() as AddressInfo).port;
      const dp = await startDataPlane(build(row.tls(), backendPort), { logger });
      try {
        for (let i = 0; i < 3; i++) {
          const response = await get(dp.port, `/fail/${i}`);
          assert.equal(response.status, 503, response.body);
          assert.match(response.body, row.logged);
        }
        const warnings = logger.entries.filter((entry) => entry.level === 'warn' && row.logged.test(entry.msg ?? ''));
        assert.equal(warnings.length, 1, JSON.stringify(logger.entries));
      } finally {
        await dp.close();
        for (const socket of sockets) socket.destroy();
        other.close();
      }
    });
  }

  it('gRPC: a unary call reaches a @grpc/grpc-js server with TLS credentials', async () => {
    const serving = await ca.issue('grpc.example.com');
    const grpcServer = await startTlsEchoServer(serving);
    const dp = await startDataPlane(build(tlsTo({ sni: 'grpc.example.com', clientCertificate: undefined }), grpcServer.port), { http2: new Http2FrontEnd() });
    const client = new EchoClient(`127.0.0.1:${dp.port}`, grpc.credentials.createInsecure());
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        client.Unary({ text: 'over tls' }, (error, value) => (error === null ? resolve(value?.text ?? '') : reject(error)));
      });
      assert.equal(answer, 'tls:over tls');
    } finally {
      client.close();
      await dp.close();
      await new Promise<void>((resolve) => grpcServer.server.tryShutdown(() => resolve()));
    }
  });
});

// ------------------------------------------------------------ gRPC over TLS

interface Msg {
  text: string;
}

type EchoClientType = grpc.Client & { Unary(request: Msg, callback: (error: grpc.ServiceError | null, value?: Msg) => void): grpc.ClientUnaryCall };
const loaded = grpc.loadPackageDefinition(loadSync(fileURLToPath(new URL('./fixtures/echo.proto', import.meta.url)), { keepCase: true })) as unknown as {
  portico: { test: { Echo: (new (address: string, credentials: grpc.ChannelCredentials) => EchoClientType) & { service: grpc.ServiceDefinition } } };
};
const EchoClient = loaded.portico.test.Echo;

/** An echo server that takes TLS only, answering Unary only ("tls:<text>"). */
async function startTlsEchoServer(serving: Issued): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  const state = { server, port: 0 };
  server.addService(EchoClient.service, {
    Unary(call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) {
      callback(null, { text: `tls:${call.request.text}` });
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(serving.cert), private_key: Buffer.from(serving.key) }], false);
  state.port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return state;
}
