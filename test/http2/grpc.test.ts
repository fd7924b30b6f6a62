// gRPC through Portico with @grpc/grpc-js on both ends: HTTP/2 clients with
// prior knowledge, h2c backends. All four call kinds pass with their
// messages and trailing metadata; routing by service/method and header,
// weights and header modifiers apply; errors Portico produces itself come
// back as gRPC statuses (Trailers-Only), never as bare HTTP codes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import { backend, buildIR, freePort, rule, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane } from '../dataplane/helpers.ts';
import { bidi, clientStream, echoClient, grpc, serverStream, startGrpcBackend, unary } from './grpc-helpers.ts';
import type { EchoClient, GrpcBackend } from './grpc-helpers.ts';

const SERVICE = '/portico.test.Echo/';

describe('gRPC through Portico (h2c both sides)', () => {
  let a: GrpcBackend;
  let b: GrpcBackend;
  let dp: RunningDataPlane;
  let client: EchoClient;

  before(async () => {
    a = await startGrpcBackend('a');
    b = await startGrpcBackend('b');
    const dead = await freePort();
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'b' }], rule: rule('to-b', { backends: [to('b')] }) },
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'dead' }], rule: rule('dead', { backends: [to('dead')] }) },
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'none' }], rule: rule('none', { backends: [] }) },
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'split' }], rule: rule('split', { backends: [to('a', 1), to('b', 1)] }) },
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'mirror' }], rule: rule('mirror', { backends: [to('a')], mirrors: [{ backend: 'b', numerator: 1, denominator: 1 }] }) },
      { path: { type: 'Exact', value: `${SERVICE}Unary` }, headers: [{ name: 'x-route', type: 'Exact', value: 'slow' }], rule: rule('slow', { backends: [to('a')], timeouts: { requestMs: 150 } }) },
      { path: { type: 'RegularExpression', value: `${SERVICE.replaceAll('.', '\\.')}(Unary|ServerStream|ClientStream|Bidi)` }, rule: rule('echo', {
        backends: [to('a')],
        requestHeaders: { set: [{ name: 'x-added', value: 'by-portico' }], add: [], remove: ['x-secret'] },
        responseHeaders: { set: [{ name: 'x-response', value: 'edited' }], add: [], remove: [] },
      }) },
    ], [
      backend('a', [a.port], { protocol: 'h2c' }), backend('b', [b.port], { protocol: 'h2c' }), backend('dead', [dead], { protocol: 'h2c' }),
    ]), { http2: new Http2FrontEnd() });
    client = echoClient(`127.0.0.1:${dp.port}`);
  });
  after(async () => {
    client.close();
    await dp.close();
    await a.close();
    await b.close();
  });

  it('unary: the answer, trailing metadata and header modifiers', async () => {
    const result = await unary(client, 'hi', { metadata: { 'x-secret': 'hidden', 'x-kept': 'yes' } });
    assert.equal(result.error, undefined);
    assert.equal(result.value?.text, 'a:hi');
    assert.equal(result.trailers?.['x-trailer'], 'done:hi');
    assert.equal(a.lastMetadata['x-added'], 'by-portico');
    assert.equal(a.lastMetadata['x-kept'], 'yes');
    assert.equal(a.lastMetadata['x-secret'], undefined);
  });

  it('server streaming: every message, then the trailers', async () => {
    const result = await serverStream(client, 25);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.value, Array.from({ length: 25 }, (_, i) => `a:${i}`));
    assert.equal(result.trailers?.['x-trailer'], 'done:25');
  });

  it('client streaming: every message reaches the backend', async () => {
    const result = await clientStream(client, ['1', '2', '3', '4']);
    assert.equal(result.error, undefined);
    assert.equal(result.value?.text, 'a:1,2,3,4');
    assert.equal(result.trailers?.['x-trailer'], 'done:4');
  });

  it('bidirectional: ping-pong, each message answered before the next is sent', async () => {
    const result = await bidi(client, ['x', 'y', 'z']);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.value, ['a:x', 'a:y', 'a:z']);
    assert.equal(result.trailers?.['x-trailer'], 'done:bidi');
  });

  it('a backend error status passes through untouched', async () => {
    const result = await unary(client, 'fail');
    assert.equal(result.error?.code, grpc.status.NOT_FOUND);
    assert.equal(result.error?.details, 'no such thing');
  });

  it('routes by header match to another backend', async () => {
    const result = await unary(client, 'hi', { metadata: { 'x-route': 'b' } });
    assert.equal(result.value?.text, 'b:hi');
  });

  it('splits by weight between backends', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const result = await unary(client, 'w', { metadata: { 'x-route': 'split' } });
      seen.add(result.value?.text ?? '');
    }
    assert.deepEqual([...seen].sort(), ['a:w', 'b:w']);
  });

  it('mirrors a call to another h2c backend; the client gets the real answer', async () => {
    b.lastMetadata = {};
    const result = await unary(client, 'copy', { metadata: { 'x-route': 'mirror', 'x-mark': 'mirrored' } });
    assert.equal(result.value?.text, 'a:copy');
    for (let i = 0; i < 100 && b.lastMetadata['x-mark'] === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(b.lastMetadata['x-mark'], 'mirrored');
  });

  const localErrors: Array<{ name: string; route?: string; method?: 'unknown'; code: grpc.status; text?: string }> = [
    { name: 'no route → UNIMPLEMENTED', method: 'unknown', code: grpc.status.UNIMPLEMENTED },
    { name: 'backend refusing connections → UNAVAILABLE', route: 'dead', code: grpc.status.UNAVAILABLE },
    { name: 'rule without backends → UNAVAILABLE', route: 'none', code: grpc.status.UNAVAILABLE },
    { name: 'request timeout → DEADLINE_EXCEEDED', route: 'slow', text: 'slow', code: grpc.status.DEADLINE_EXCEEDED },
  ];
  for (const row of localErrors) {
    it(`Portico's own error: ${row.name}`, async () => {
      if (row.method === 'unknown') {
        // A method the routes do not list: call it through a raw generic client.
        const raw = new grpc.Client(`127.0.0.1:${dp.port}`, grpc.credentials.createInsecure());
        try {
          const error = await new Promise<grpc.ServiceError | null>((resolve) => {
            raw.makeUnaryRequest('/portico.test.Echo/Missing', (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), (err) => resolve(err));
          });
          assert.equal(error?.code, row.code);
        } finally {
          raw.close();
        }
        return;
      }
      const result = await unary(client, row.text ?? 'x', { metadata: { 'x-route': row.route ?? '' } });
      assert.equal(result.error?.code, row.code, result.error?.details);
    });
  }
});
