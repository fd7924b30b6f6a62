import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientResponseHead, withCorsHeaders } from './response-head.ts';

describe('clientResponseHead', () => {
  it('takes framing out and drops hop-by-hop headers, including those Connection lists', () => {
    const result = clientResponseHead(
      ['Content-Type', 'text/plain', 'Content-Length', '42', 'Connection', 'keep-alive, X-Internal', 'X-Internal', 'secret', 'Keep-Alive', 'timeout=5',
        'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      false, undefined, undefined, undefined);
    assert.deepEqual(result, { headers: ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], contentLength: 42 });
  });

  it('reports an unknown length as -1', () => {
    assert.equal(clientResponseHead(['Transfer-Encoding', 'chunked'], false, undefined, undefined, undefined).contentLength, -1);
    assert.equal(clientResponseHead([], false, undefined, undefined, undefined).contentLength, -1);
  });

  it('keeps Upgrade and says Connection: upgrade for a 101', () => {
    assert.deepEqual(clientResponseHead(['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 'k'], true, undefined, undefined, undefined).headers,
      ['Upgrade', 'websocket', 'Sec-WebSocket-Accept', 'k', 'connection', 'upgrade']);
  });

  it('applies the rule\'s edits, then the backendRef\'s, then CORS', () => {
    const result = clientResponseHead(['X-A', 'backend', 'Access-Control-Allow-Origin', '*'], false,
      { set: [{ name: 'X-A', value: 'rule' }], add: [], remove: [] },
      { set: [], add: [{ name: 'X-A', value: 'ref' }], remove: [] },
      ['access-control-allow-origin', 'https://a.example', 'vary', 'Origin']);
    assert.deepEqual(result.headers, ['X-A', 'rule', 'X-A', 'ref', 'access-control-allow-origin', 'https://a.example', 'vary', 'Origin']);
  });
});

describe('withCorsHeaders', () => {
  it('replaces same-named headers and extends Vary once', () => {
    assert.deepEqual(
      withCorsHeaders(['Vary', 'Accept', 'vary', 'Cookie', 'Access-Control-Allow-Origin', '*', 'X', '1'], ['access-control-allow-origin', 'https://a', 'vary', 'Origin']),
      ['Vary', 'Accept, Cookie, Origin', 'X', '1', 'access-control-allow-origin', 'https://a']);
    assert.deepEqual(withCorsHeaders(['Vary', 'origin'], ['vary', 'Origin']), ['Vary', 'origin']);
  });
});
