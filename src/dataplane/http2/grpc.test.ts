import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGrpcMessage, grpcStatusFor, isGrpcContentType } from './grpc.ts';
import { readRequestHead } from './request-headers.ts';

describe('gRPC helpers', () => {
  const contentTypes: Array<[string | undefined, boolean]> = [
    ['application/grpc', true], ['application/grpc+proto', true], ['Application/GRPC;charset=utf-8', true],
    ['application/grpc-web', false], ['application/grpc-web+proto', false], ['application/json', false], [undefined, false],
  ];
  for (const [value, expected] of contentTypes) {
    it(`content-type ${String(value)} is gRPC: ${String(expected)}`, () => assert.equal(isGrpcContentType(value), expected));
  }

  const statuses: Array<[number, number]> = [[404, 12], [503, 14], [502, 14], [500, 14], [504, 4], [400, 13], [401, 16], [403, 7], [429, 14], [418, 2], [301, 2]];
  for (const [http, grpc] of statuses) {
    it(`HTTP ${http} → gRPC ${grpc}`, () => assert.equal(grpcStatusFor(http), grpc));
  }

  it('percent-encodes grpc-message outside printable ASCII, and % itself', () => {
    assert.equal(encodeGrpcMessage('no route: 100% ünknown'), 'no route: 100%25 %C3%BCnknown');
  });
});

describe('HTTP/2 request head', () => {
  it('takes the pseudo-headers out, joins cookies, drops connection-specific fields, keeps te: trailers', () => {
    const head = readRequestHead([
      ':method', 'POST', ':path', '/svc/M', ':scheme', 'http', ':authority', 'api.example',
      'cookie', 'a=1', 'content-type', 'application/grpc', 'connection', 'keep-alive', 'te', 'trailers',
      'cookie', 'b=2', 'transfer-encoding', 'chunked', 'te', 'gzip', 'host', 'ignored.example', 'x-a', '1',
    ]);
    assert.equal(head.method, 'POST');
    assert.equal(head.path, '/svc/M');
    assert.equal(head.authority, 'api.example');
    assert.equal(head.trailers, true);
    assert.equal(head.contentType, 'application/grpc');
    assert.deepEqual(head.headers, ['content-type', 'application/grpc', 'te', 'trailers', 'x-a', '1', 'cookie', 'a=1; b=2']);
  });

  it('falls back to the host field without :authority', () => {
    assert.equal(readRequestHead([':method', 'GET', ':path', '/', 'host', 'h.example']).authority, 'h.example');
  });
});
