import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardedHead, forwardedHeaders, requestHead, shadowHost } from './request-head.ts';
import type { ForwardInput } from './request-head.ts';

function input(headers: string[], overrides: Partial<ForwardInput> = {}): ForwardInput {
  return {
    headers, host: 'shop.example.com', originalHost: 'shop.example.com', clientAddress: '192.0.2.1', scheme: 'http', clientCert: undefined,
    upgrade: false, chunked: false, ruleEdits: undefined, shareEdits: undefined, ...overrides,
  };
}

describe('forwardedHeaders', () => {
  it('puts Host first, keeps end-to-end headers in order, adds the forwarding headers', () => {
    assert.deepEqual(forwardedHeaders(input(['Accept', '*/*', 'Host', 'shop.example.com', 'X-A', '1'])), [
      'host', 'shop.example.com', 'Accept', '*/*', 'X-A', '1',
      'x-forwarded-for', '192.0.2.1', 'x-forwarded-proto', 'http', 'x-forwarded-host', 'shop.example.com',
      'forwarded', 'for=192.0.2.1;host=shop.example.com;proto=http',
    ]);
  });

  it('drops hop-by-hop headers, keeps Upgrade only when upgrading and Content-Length only when not chunked', () => {
    const received = ['Connection', 'upgrade, X-Hop', 'X-Hop', '1', 'Keep-Alive', '5', 'TE', 'gzip', 'Upgrade', 'websocket',
      'Proxy-Connection', 'x', 'Content-Length', '3', 'Expect', '100-continue', 'HTTP2-Settings', 'AAA'];
    const plain = forwardedHeaders(input(received));
    assert.deepEqual(plain.slice(0, 4), ['host', 'shop.example.com', 'Content-Length', '3']);
    assert.equal(plain[4], 'x-forwarded-for');
    const upgrading = forwardedHeaders(input(received, { upgrade: true, chunked: true }));
    assert.deepEqual(upgrading.slice(0, 4), ['host', 'shop.example.com', 'Upgrade', 'websocket']);
    assert.equal(upgrading[4], 'x-forwarded-for');
  });

  it('appends to forwarding headers already present, joining repeated lines', () => {
    const out = forwardedHeaders(input(['X-Forwarded-For', '10.0.0.1', 'x-forwarded-for', '10.0.0.2', 'X-Forwarded-Host', 'edge', 'Forwarded', 'for=10.0.0.1', 'X-Forwarded-Proto', 'https'],
      { clientAddress: '2001:db8::7', originalHost: 'a.example:8443' }));
    const get = (name: string): string | undefined => out[out.indexOf(name) + 1];
    assert.equal(get('x-forwarded-for'), '10.0.0.1, 10.0.0.2, 2001:db8::7');
    assert.equal(get('x-forwarded-host'), 'edge, a.example:8443');
    assert.equal(get('x-forwarded-proto'), 'http');
    assert.equal(get('forwarded'), 'for=10.0.0.1, for="[2001:db8::7]";host="a.example:8443";proto=http');
    assert.equal(out.filter((value) => value.toLowerCase() === 'x-forwarded-proto').length, 1);
  });

  it('sends an empty Host when the client sent none (HTTP/1.0)', () => {
    const out = forwardedHeaders(input([], { host: undefined, originalHost: undefined }));
    assert.deepEqual(out.slice(0, 2), ['host', '']);
    assert.equal(out.includes('x-forwarded-host'), false);
    assert.equal(out[out.indexOf('forwarded') + 1], 'for=192.0.2.1;proto=http');
  });

  it('applies the rule\'s edits, then the backendRef\'s, after the forwarding headers', () => {
    const out = forwardedHeaders(input(['X-Env', 'client'], {
      ruleEdits: { set: [{ name: 'X-Env', value: 'rule' }, { name: 'X-Forwarded-Proto', value: 'https' }], add: [], remove: [] },
      shareEdits: { set: [{ name: 'x-env', value: 'ref' }], add: [], remove: ['forwarded'] },
    }));
    assert.equal(out[out.indexOf('x-env') + 1], 'ref');
    assert.equal(out[out.indexOf('X-Forwarded-Proto') + 1], 'https');
    assert.equal(out.includes('forwarded'), false);
  });

  it('drops edited values that could split the head', () => {
    const out = forwardedHeaders(input([], { ruleEdits: { set: [{ name: 'X-Bad', value: 'a\r\nInjected: 1' }], add: [], remove: [] } }));
    assert.equal(out.includes('X-Bad'), false);
  });
});

describe('x-forwarded-client-cert', () => {
  it('never passes on what the client sent (any case, any number), and adds the verified identity when there is one', () => {
    const spoofed = ['X-Forwarded-Client-Cert', 'Hash=forged', 'x-forwarded-client-cert', 'Subject="CN=admin"', 'X-A', '1'];
    for (const clientCert of [undefined, 'Hash=ab;Subject="CN=c"']) {
      const forward = input(spoofed, { scheme: 'https', clientCert });
      const sent = forwardedHeaders(forward).flatMap((value, i, all) => (i % 2 === 0 && value.toLowerCase() === 'x-forwarded-client-cert' ? [all[i + 1]] : []));
      assert.deepEqual(sent, clientCert === undefined ? [] : [clientCert]);
      assert.doesNotMatch(forwardedHead('GET', '/', forward), /forged|CN=admin/);
    }
  });
});

describe('forwardedHead', () => {
  // The one-pass head must be the head the header-list path writes, for any client headers.
  const cases: Array<{ name: string; headers: string[]; overrides?: Partial<ForwardInput> }> = [
    { name: 'plain', headers: ['Accept', '*/*', 'Host', 'shop.example.com', 'X-A', '1'] },
    { name: 'hop-by-hop and framing', headers: ['Keep-Alive', '5', 'TE', 'trailers', 'TE', 'gzip', 'Upgrade', 'websocket', 'Proxy-Connection', 'x', 'Content-Length', '3', 'Expect', '100-continue', 'Expect', 'other', 'HTTP2-Settings', 'AAA', 'Transfer-Encoding', 'chunked'] },
    { name: 'upgrading and chunked', headers: ['Upgrade', 'websocket', 'Content-Length', '3', 'Connection', 'upgrade'], overrides: { upgrade: true, chunked: true } },
    { name: 'forwarding headers already present', headers: ['X-Forwarded-For', '10.0.0.1', 'x-forwarded-for', '10.0.0.2', 'X-Forwarded-Host', 'edge', 'Forwarded', 'for=10.0.0.1', 'X-Forwarded-Proto', 'https'], overrides: { clientAddress: '2001:db8::7', originalHost: 'a.example:8443' } },
    { name: 'no Host (HTTP/1.0)', headers: ['X-Forwarded-Host', 'edge'], overrides: { host: undefined, originalHost: undefined } },
    { name: 'a Connection header listing others', headers: ['Connection', 'keep-alive, X-Hop', 'X-Hop', '1', 'X-Kept', '2'] },
    { name: 'header edits', headers: ['X-Env', 'client'], overrides: { ruleEdits: { set: [{ name: 'X-Env', value: 'rule' }], add: [], remove: ['forwarded'] } } },
    { name: 'a client certificate to forward', headers: ['X-Forwarded-Client-Cert', 'Hash=forged'], overrides: { scheme: 'https', clientCert: 'Hash=ab;Subject="CN=c"' } },
  ];
  for (const { name, headers, overrides } of cases) {
    it(`writes what the header list gives: ${name}`, () => {
      const forward = input(headers, overrides);
      assert.equal(forwardedHead('GET', '/p?q', forward), requestHead('GET', '/p?q', forwardedHeaders(forward), forward.chunked, forward.upgrade));
    });
  }
});

describe('requestHead and shadowHost', () => {
  it('serialises the request line, headers and framing', () => {
    assert.equal(requestHead('POST', '/x?y', ['host', 'a'], true, false), 'POST /x?y HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n');
    assert.equal(requestHead('GET', '/ws', ['host', 'a', 'Upgrade', 'websocket'], false, true), 'GET /ws HTTP/1.1\r\nhost: a\r\nUpgrade: websocket\r\nconnection: upgrade\r\n\r\n');
  });

  it('marks mirrored hosts, keeping ports', () => {
    assert.equal(shadowHost('shop.example.com'), 'shop.example.com-shadow');
    assert.equal(shadowHost('shop.example.com:8080'), 'shop.example.com-shadow:8080');
    assert.equal(shadowHost('[::1]:80'), '[::1]-shadow:80');
  });
});
