import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageHead } from './parser.ts';
import { checkRequestHead } from './request-checks.ts';

function head(target: string, headers: string[], overrides: Partial<MessageHead> = {}): MessageHead {
  return { versionMajor: 1, versionMinor: 1, headers, method: 'GET', target, status: 0, statusMessage: '', upgrade: false, keepAlive: true, ...overrides };
}

describe('checkRequestHead', () => {
  const refused: Array<[string, MessageHead, number]> = [
    ['HTTP/1.1 without Host', head('/', []), 400],
    ['empty Host on HTTP/1.1', head('/', ['Host', '']), 400],
    ['two Hosts', head('/', ['Host', 'a', 'host', 'b']), 400],
    ['Host with a space', head('/', ['Host', 'a b']), 400],
    ['Host with a slash', head('/', ['Host', 'a/b']), 400],
    ['gzip transfer coding', head('/', ['Host', 'a', 'Transfer-Encoding', 'gzip']), 501],
    ['CONNECT', head('a:443', ['Host', 'a:443'], { method: 'CONNECT' }), 405],
    ['HTTP/2.0', head('/', ['Host', 'a'], { versionMajor: 2, versionMinor: 0 }), 505],
    ['ftp absolute form', head('ftp://a/x', ['Host', 'a']), 400],
    ['absolute form with userinfo', head('http://u:p@a/x', ['Host', 'a']), 400],
    ['relative target', head('x/y', ['Host', 'a']), 400],
  ];
  for (const [name, input, status] of refused) {
    it(`refuses ${name} (${status})`, () => {
      const verdict = checkRequestHead(input);
      assert.equal(verdict.ok ? 'ok' : verdict.status, status);
    });
  }

  const accepted: Array<[string, MessageHead, { target: string; host: string | undefined; hasBody: boolean; chunked: boolean; expectContinue: boolean }]> = [
    ['plain GET', head('/x?y', ['Host', 'a.example:80']), { target: '/x?y', host: 'a.example:80', hasBody: false, chunked: false, expectContinue: false }],
    ['Content-Length 0 is no body', head('/', ['Host', 'a', 'Content-Length', '0']), { target: '/', host: 'a', hasBody: false, chunked: false, expectContinue: false }],
    ['chunked body', head('/', ['host', 'a', 'transfer-encoding', 'Chunked']), { target: '/', host: 'a', hasBody: true, chunked: true, expectContinue: false }],
    ['expect 100-continue', head('/', ['Host', 'a', 'Content-Length', '3', 'Expect', '100-Continue']), { target: '/', host: 'a', hasBody: true, chunked: false, expectContinue: true }],
    ['expect on HTTP/1.0 is ignored', head('/', ['Content-Length', '3', 'Expect', '100-continue'], { versionMinor: 0 }), { target: '/', host: undefined, hasBody: true, chunked: false, expectContinue: false }],
    ['absolute form replaces Host', head('HTTP://b.example:8080?q', ['Host', 'a']), { target: '/?q', host: 'b.example:8080', hasBody: false, chunked: false, expectContinue: false }],
    ['IPv6 Host', head('/', ['Host', '[::1]:8080']), { target: '/', host: '[::1]:8080', hasBody: false, chunked: false, expectContinue: false }],
    ['asterisk form', head('*', ['Host', 'a'], { method: 'OPTIONS' }), { target: '*', host: 'a', hasBody: false, chunked: false, expectContinue: false }],
  ];
  for (const [name, input, info] of accepted) {
    it(`accepts ${name}`, () => {
      const verdict = checkRequestHead(input);
      assert.ok(verdict.ok);
      assert.deepEqual(verdict.info, info);
    });
  }
});
