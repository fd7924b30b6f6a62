// End to end from YAML: a Gateway, a GRPCRoute and HTTPRoutes served by a
// real Portico (file provider → translate → data plane). gRPC clients reach
// grpc-js backends (GRPCRoute backends speak h2c), HTTP/2 clients reach an
// HTTP/1.1 echo backend, HTTP/1.1 clients reach an h2c backend
// (appProtocol kubernetes.io/h2c).
import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { startHarness, ref } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { backend } from '../support/manifests.ts';
import type { Manifest } from '../support/manifests.ts';
import { bidi, clientStream, echoClient, grpc, serverStream, startGrpcBackend, unary } from './grpc-helpers.ts';
import type { EchoClient, GrpcBackend } from './grpc-helpers.ts';
import { h2Request, h2Session, startH2Backend } from './helpers.ts';
import type { H2Backend } from './helpers.ts';

function grpcRoute(name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name, namespace: 'default' }, spec: { parentRefs: [{ name: 'gw', namespace: 'default' }], ...spec } };
}

function httpRoute(name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'default' }, spec: { parentRefs: [{ name: 'gw', namespace: 'default' }], ...spec } };
}

describe('GRPCRoute and HTTP/2 end to end (YAML)', () => {
  let a: GrpcBackend;
  let b: GrpcBackend;
  let h2web: H2Backend;
  let harness: Harness;
  let client: EchoClient;

  before(async () => {
    a = await startGrpcBackend('a');
    b = await startGrpcBackend('b');
    h2web = await startH2Backend((stream, headers) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`h2c backend saw ${String(headers[':method'])} ${String(headers[':path'])}`);
    });
    harness = await startHarness({
      backends: ['web'],
      extra: [...backend('grpc-a', a.port), ...backend('grpc-b', b.port), ...backend('h2web', h2web.port, { appProtocol: 'kubernetes.io/h2c' })],
      routes: [
        grpcRoute('echo', {
          hostnames: ['grpc.example.com'],
          rules: [
            {
              matches: [{ method: { service: 'portico.test.Echo', method: 'Unary' }, headers: [{ name: 'x-route', value: 'b' }] }],
              backendRefs: [ref('grpc-b')],
            },
            {
              // Regex on the method only: the first rule (service characters, a header) takes precedence (GRPCRouteRule).
              matches: [{ method: { type: 'RegularExpression', method: '(Unary|ServerStream|ClientStream|Bidi)' } }],
              filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-added', value: 'from-yaml' }] } }],
              backendRefs: [ref('grpc-a')],
            },
          ],
        }),
        httpRoute('web', { hostnames: ['web.example.com'], rules: [{ backendRefs: [ref('web')] }] }),
        httpRoute('h2web', { hostnames: ['h2c.example.com'], rules: [{ backendRefs: [ref('h2web')] }] }),
      ],
    });
    client = echoClient(`127.0.0.1:${harness.port}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': 'grpc.example.com' });
  });
  after(async () => {
    client.close();
    await harness.close();
    await a.close();
    await b.close();
    await h2web.close();
  });

  it('unary with trailing metadata and the rule\'s header modifier', async () => {
    const result = await unary(client, 'yaml');
    assert.equal(result.error, undefined, result.error?.details);
    assert.equal(result.value?.text, 'a:yaml');
    assert.equal(result.trailers?.['x-trailer'], 'done:yaml');
    assert.equal(a.lastMetadata['x-added'], 'from-yaml');
  });

  it('server streaming, client streaming and bidirectional calls', async () => {
    const streamed = await serverStream(client, 3);
    assert.deepEqual(streamed.value, ['a:0', 'a:1', 'a:2']);
    assert.equal(streamed.trailers?.['x-trailer'], 'done:3');
    const collected = await clientStream(client, ['p', 'q']);
    assert.equal(collected.value?.text, 'a:p,q');
    const pingPong = await bidi(client, ['1', '2']);
    assert.deepEqual(pingPong.value, ['a:1', 'a:2']);
    assert.equal(pingPong.trailers?.['x-trailer'], 'done:bidi');
  });

  it('the header match sends a call to the other backend', async () => {
    const result = await unary(client, 'hdr', { metadata: { 'x-route': 'b' } });
    assert.equal(result.value?.text, 'b:hdr');
  });

  it('a method no rule matches answers UNIMPLEMENTED', async () => {
    const raw = new grpc.Client(`127.0.0.1:${harness.port}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': 'grpc.example.com' });
    try {
      const error = await new Promise<grpc.ServiceError | null>((resolve) => {
        raw.makeUnaryRequest('/portico.test.Echo/Missing', (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), (err) => resolve(err));
      });
      assert.equal(error?.code, grpc.status.UNIMPLEMENTED);
    } finally {
      raw.close();
    }
  });

  it('an HTTP/2 client reaches the HTTP/1.1 echo backend', async () => {
    const session: ClientHttp2Session = await h2Session(harness.port);
    try {
      const response = await h2Request(session, { ':path': '/echo?x=1', ':authority': 'web.example.com', 'x-test': 'h2' });
      assert.equal(response.status, 200);
      const seen = JSON.parse(response.body) as RequestDescription;
      assert.equal(seen.path, '/echo?x=1');
      assert.equal(seen.host, 'web.example.com');
    } finally {
      session.destroy();
    }
  });

  it('an HTTP/1.1 client reaches the h2c backend', async () => {
    const response = await harness.send({ path: '/plain', host: 'h2c.example.com' });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'h2c backend saw GET /plain');
  });
});
