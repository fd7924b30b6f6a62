// TLS to backends in the data plane (IRBackend.tls): kept-alive TLS
// connections are reused for the same settings and never for others (a
// policy change gets new connections), big bodies stream both ways over TLS,
// a failing handshake answers 503 and is logged with its reason (once per
// interval, not once per request), new connections resume the TLS session,
// and dialers and their secure contexts are made once per distinct settings.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IRBackendTls } from '../../src/ir/types.ts';
import { upstreamTls } from '../../src/dataplane/upstream/tls-dialer.ts';
import { memoryLogger } from '../../src/telemetry/log.ts';
import { createPki } from '../l4/pki.ts';
import type { Authority, Pki } from '../l4/pki.ts';
import { backend, buildIR, get, rule, startDataPlane, to } from './helpers.ts';

describe('upstream TLS', () => {
  let pki: Pki;
  let ca: Authority;
  let otherCa: Authority;
  let server: Server;
  let port: number;
  let connections = 0;
  let resumed = 0;

  before(async () => {
    pki = await createPki();
    ca = await pki.authority('backend-ca');
    otherCa = await pki.authority('other-ca');
    const serving = await ca.issue('backend.example.com');
    server = createHttpsServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      const size = Number(req.headers['x-size'] ?? 0);
      let received = 0;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        res.setHeader('x-received', String(received));
        if (req.headers['x-close'] !== undefined) res.setHeader('connection', 'close');
        res.end(size > 0 ? Buffer.alloc(size, 0x61) : `sni=${(req.socket as unknown as { servername?: string }).servername ?? ''}`);
      });
    });
    server.on('secureConnection', (socket) => {
      connections++;
      if (socket.isSessionReused()) resumed++;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await pki.remove();
  });

  const tlsTo = (extra: Partial<IRBackendTls> = {}): IRBackendTls => ({ sni: 'backend.example.com', caPem: ca.cert, ...extra });
  const build = (tls: IRBackendTls) => (listen: number) => buildIR(listen, [{ rule: rule('r', { backends: [to('b')] }) }], [backend('b', [port], { tls })]);

  it('reuses a kept-alive TLS connection for the same settings, and opens a new one when the settings change', async () => {
    const dp = await startDataPlane(build(tlsTo()));
    try {
      const start = connections;
      for (let i = 0; i < 4; i++) {
        const response = await get(dp.port, `/${i}`);
        assert.equal(response.status, 200, response.body);
        assert.equal(response.body, 'sni=backend.example.com');
      }
      assert.equal(connections - start, 1, 'one TLS connection for four requests');
      // Same trust written again (a new IR object): the warm connection stays in use.
      await dp.dataPlane.apply(build(tlsTo())(dp.port));
      assert.equal((await get(dp.port, '/again')).status, 200);
      assert.equal(connections - start, 1);
      // Other settings (here: the CA bundle also lists another CA): a new connection.
      await dp.dataPlane.apply(build(tlsTo({ caPem: `${ca.cert}${otherCa.cert}` }))(dp.port));
      assert.equal((await get(dp.port, '/changed')).status, 200);
      assert.equal(connections - start, 2);
      // And a CA that did not sign the backend's certificate: refused, though a trusted connection sits idle.
      await dp.dataPlane.apply(build(tlsTo({ caPem: otherCa.cert }))(dp.port));
      assert.equal((await get(dp.port, '/untrusted')).status, 503);
    } finally {
      await dp.close();
    }
  });

  it('a new connection to the same endpoint resumes the TLS session (no full handshake)', async () => {
    // Settings of its own (a trailing newline in the bundle): a dialer with no session from earlier tests.
    const dp = await startDataPlane(build(tlsTo({ caPem: `${ca.cert}\n` })));
    try {
      const start = { connections, resumed };
      for (let i = 0; i < 3; i++) assert.equal((await get(dp.port, `/close/${i}`, { headers: { 'x-close': '1' } })).status, 200);
      assert.equal(connections - start.connections, 3, 'the backend closes each connection');
      assert.ok(resumed - start.resumed >= 1, `later connections resume the first one's session (${resumed - start.resumed} of 2 did)`);
    } finally {
      await dp.close();
    }
  });

  it('streams big bodies both ways over TLS', async () => {
    const dp = await startDataPlane(build(tlsTo()));
    try {
      const upload = Buffer.alloc(3 * 1024 * 1024, 0x62);
      const response = await get(dp.port, '/big', { method: 'POST', body: upload, headers: { 'x-size': String(5 * 1024 * 1024) } });
      assert.equal(response.status, 200);
      assert.equal(response.headers['x-received'], String(upload.length));
      assert.equal(response.body.length, 5 * 1024 * 1024);
    } finally {
      await dp.close();
    }
  });

  it('a failed handshake answers 503, with the reason logged once per interval', async () => {
    const logger = memoryLogger();
    const dp = await startDataPlane(build(tlsTo({ sni: 'someone-else.example.com' })), { logger });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await get(dp.port, '/');
        assert.equal(response.status, 503);
        assert.match(response.body, /someone-else\.example\.com/);
      }
      const tlsWarnings = logger.entries.filter((e) => e.level === 'warn' && e.msg?.includes('TLS handshake') === true);
      assert.equal(tlsWarnings.length, 1, JSON.stringify(logger.entries));
      assert.equal((tlsWarnings[0]?.obj as { endpoint?: string }).endpoint, `127.0.0.1:${port}`);
      assert.match(tlsWarnings[0]?.msg ?? '', /ERR_TLS_CERT_ALTNAME_INVALID|altnames/);
    } finally {
      await dp.close();
    }
  });

  it('unusable settings make no connection: 503 straight away', async () => {
    const dp = await startDataPlane(build({ sni: 'backend.example.com', invalid: 'no valid CA certificate' }));
    try {
      const start = connections;
      const response = await get(dp.port, '/');
      assert.equal(response.status, 503);
      assert.match(response.body, /no valid CA certificate/);
      assert.equal(connections, start);
    } finally {
      await dp.close();
    }
  });

  it('one dialer per distinct settings: the same settings give the same dialer, any change another key', () => {
    const base = upstreamTls(tlsTo(), undefined);
    assert.equal(upstreamTls(tlsTo(), undefined), base);
    const keys = new Set([
      base.key,
      upstreamTls(tlsTo({ sni: 'other.example.com' }), undefined).key,
      upstreamTls(tlsTo({ caPem: otherCa.cert }), undefined).key,
      upstreamTls({ sni: 'backend.example.com', systemRoots: true }, undefined).key,
      upstreamTls(tlsTo({ subjectAltNames: [{ type: 'URI', value: 'spiffe://td/x' }] }), undefined).key,
    ]);
    assert.equal(keys.size, 5);
  });
});
