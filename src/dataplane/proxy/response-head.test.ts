import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serializeHeaders } from '../http1/head.ts';
import { clientResponseHead, withCorsHeaders } from './response-head.ts';

describe('clientResponseHead', () => {
  it('takes framing out and drops hop-by-hop headers, including those Connection lists', () => {
    const result = clientResponseHead(
      ['Content-Type', 'text/plain', 'Content-Length', '42', 'Connection', 'keep-alive, X-Internal', 'X-Internal', 'secret', 'Keep-Alive', 'timeout=5',
        'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      false, undefined, undefined, undefined);
    assert.deepEqual(result, { lines: serializeHeaders(['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']), contentLength: 42 });
  });

  it('reports an unknown length as -1', () => {
    assert.equal(clientResponseHead(['Transfer-Encoding', 'chunked'], false, undefined, undefined, undefined).contentLength, -1);
    assert.equal(clientResponseHead([], false, undefined, undefined, undefined).contentLength, -1);
  });

  it('keeps Upgrade and says Connection: upgrade for a 101', () => {
    assert.equal(clientResponseHead(['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 'k'], true, undefined, undefined, undefined).lines,
      serializeHeaders(['Upgrade', 'websocket', 'Sec-WebSocket-Accept', 'k', 'connection', 'upgrade']));
  });

  it('applies the rule\'s edits, then the backendRef\'s, then CORS', () => {
    const result = clientResponseHead(['X-A', 'backend', 'Access-Control-Allow-Origin', '*'], false,
      { set: [{ name: 'X-A', value: 'rule' }], add: [], remove: [] },
      { set: [], add: [{ name: 'X-A', value: 'ref' }], remove: [] },
      ['access-control-allow-origin', 'https://a.example', 'vary', 'Origin']);
    assert.equal(result.lines, serializeHeaders(['X-A', 'rule', 'X-A', 'ref', 'access-control-allow-origin', 'https://a.example', 'vary', 'Origin']));
  });

  // The one-pass head (no edits) must be what the header-list path (taken with edits) writes when the edits change nothing.
  const noEdits = { set: [], add: [], remove: [] };
  const cases: Array<{ name: string; received: string[]; upgrade: boolean }> = [
    { name: 'plain', received: ['Content-Type', 'text/plain', 'Content-Length', '5', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], upgrade: false },
    { name: 'hop-by-hop and framing', received: ['Keep-Alive', 't=5', 'Transfer-Encoding', 'chunked', 'TE', 'x', 'Proxy-Connection', 'y', 'HTTP2-Settings', 'z', 'Upgrade', 'h2c', 'X', '1'], upgrade: false },
    { name: 'a 101', received: ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 'k'], upgrade: true },
    { name: 'a Connection header listing others', received: ['Connection', 'close, X-Internal', 'X-Internal', 's', 'X-Kept', 'k'], upgrade: false },
    { name: 'a Content-Length that is not a number', received: ['Content-Length', 'x1'], upgrade: false },
  ];
  for (const { name, received, upgrade } of cases) {
    it(`writes what the header list gives: ${name}`, () => {
      assert.deepEqual(clientResponseHead(received, upgrade, undefined, undefined, undefined), clientResponseHead(received, upgrade, noEdits, undefined, undefined));
    });
  }
});

describe('withCorsHeaders', () => {
  it('replaces same-named headers and extends Vary once', () => {
    assert.deepEqual(
      withCorsHeaders(['Vary', 'Accept', 'vary', 'Cookie', 'Access-Control-Allow-Origin', '*', 'X', '1'], ['access-control-allow-origin', 'https://a', 'vary', 'Origin']),
      ['Vary', 'Accept, Cookie, Origin', 'X', '1', 'access-control-allow-origin', 'https://a']);
    assert.deepEqual(withCorsHeaders(['Vary', 'origin'], ['vary', 'Origin']), ['Vary', 'origin']);
  });
});
