// HTTP/2 over TLS: the front door agrees h2 by ALPN and hands the terminated
// connection to the HTTP/2 engine; requests are routed with scheme https.
// HTTP/1.1 clients (ALPN http/1.1) keep working on the same port; gRPC with
// TLS credentials reaches an h2c backend.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import type { IR, IRHttpPort } from '../../src/ir/types.ts';
import { opensslMissing } from '../echo/certs.ts';
import { createPki, irCertificate } from '../l4/pki.ts';
import type { Authority, Pki } from '../l4/pki.ts';
import { backend, buildIR, rule, startBackend, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane, TestBackend } from '../dataplane/helpers.ts';
import { echoClient, grpc, unary, startGrpcBackend } from './grpc-helpers.ts';
import type { GrpcBackend } from './grpc-helpers.ts';
import { h2Request, h2Session } from './helpers.ts';

const HOST = 'secure.example.com';

/** buildIR's one HTTP port, terminating TLS for HOST with `cert`. */
function tlsIR(base: IR, cert: ReturnType<typeof irCertificate>): IR {
  const gateway = base.gateways[0];
  const port = gateway?.ports[0] as IRHttpPort;
  const listener = port.virtualHosts[0]?.listener ?? '';
  port.tls = { minVersion: 'TLSv1.2', servers: [{ hostname: HOST, listener, mode: 'http', certificates: ['secure'] }] };
  if (gateway !== undefined) gateway.certificates = { secure: cert };
  return base;
}

describe('HTTP/2 over TLS (ALPN h2)', { skip: opensslMissing() }, () => {
  let pki: Pki;
  let ca: Authority;
  let web: TestBackend;
  let rpc: GrpcBackend;
  let dp: RunningDataPlane;

  before(async () => {
    pki = await createPki();
    ca = await pki.authority('Test CA');
    const cert = irCertificate(await ca.issue(HOST));
    web = await startBackend((req, res) => res.end(`${req.headers['x-forwarded-proto'] as string} ${req.url as string}`));
    rpc = await startGrpcBackend('tls');
    dp = await startDataPlane((port) => tlsIR(buildIR(port, [
      { hostname: HOST, path: { type: 'PathPrefix', value: '/portico.test.Echo/' }, rule: rule('grpc', { backends: [to('rpc')] }) },
      { hostname: HOST, path: { type: 'PathPrefix', value: '/' }, rule: rule('web', { backends: [to('web')] }) },
    ], [backend('web', [web.port]), backend('rpc', [rpc.port], { protocol: 'h2c' })]), cert), { http2: new Http2FrontEnd() });
  });
  after(async () => {
    await dp.close();
    await web.close();
    await rpc.close();
    await pki.remove();
  });

  it('serves an h2 client, forwarding with scheme https', async () => {
    const session = await h2Session(dp.port, { servername: HOST, ca: ca.cert });
    try {
      assert.equal(session.alpnProtocol, 'h2');
      const response = await h2Request(session, { ':path': '/page', ':authority': HOST });
      assert.equal(response.status, 200);
      assert.equal(response.body, 'https /page');
    } finally {
      session.destroy();
    }
  });

  it('still serves HTTP/1.1 clients that offer only http/1.1', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      // Passed through to tls.connect by the agent.
      const options = { host: '127.0.0.1', port: dp.port, path: '/one', servername: HOST, ca: ca.cert, headers: { host: HOST }, ALPNProtocols: ['http/1.1'], agent: false };
      const req = httpsRequest(options, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'https /one');
  });

  it('carries gRPC with TLS credentials to an h2c backend', async () => {
    const client = echoClient(`127.0.0.1:${dp.port}`, grpc.credentials.createSsl(Buffer.from(ca.cert)), { 'grpc.ssl_target_name_override': HOST, 'grpc.default_authority': HOST });
    try {
      const result = await unary(client, 'sealed');
      assert.equal(result.error, undefined, result.error?.details);
      assert.equal(result.value?.text, 'tls:sealed');
      assert.equal(result.trailers?.['x-trailer'], 'done:sealed');
    } finally {
      client.close();
    }
  });
});
