import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectVerdict, newWebSocketKey, upgradeAnswerValid, upgradeHeaders, webSocketAccept } from './extended-connect.ts';
import { readRequestHead } from './request-headers.ts';

describe('extended CONNECT', () => {
  const verdicts: Array<[string | undefined, number | 'websocket']> = [
    [undefined, 405], ['websocket', 'websocket'], ['WebSocket', 'websocket'], ['connect-udp', 403], ['h2c', 403],
  ];
  for (const [protocol, expected] of verdicts) {
    it(`:protocol ${String(protocol)} → ${String(expected)}`, () => {
      const raw = [':method', 'CONNECT', ':authority', 'a.example', ...(protocol === undefined ? [] : [':protocol', protocol, ':path', '/', ':scheme', 'http'])];
      const verdict = connectVerdict(readRequestHead(raw));
      assert.equal(verdict === 'websocket' ? verdict : verdict.status, expected);
    });
  }

  it('RFC 6455 §1.3 sample: the accept value of "dGhlIHNhbXBsZSBub25jZQ=="', () => {
    assert.equal(webSocketAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('makes 16-byte keys, a new one each time', () => {
    const key = newWebSocketKey();
    assert.equal(Buffer.from(key, 'base64').length, 16);
    assert.notEqual(newWebSocketKey(), key);
  });

  it('replaces any key the client sent and adds the Upgrade, keeping the rest in order', () => {
    assert.deepEqual(
      upgradeHeaders(['sec-websocket-version', '13', 'sec-websocket-key', 'theirs', 'sec-websocket-protocol', 'chat'], 'ours'),
      ['sec-websocket-version', '13', 'sec-websocket-protocol', 'chat', 'upgrade', 'websocket', 'sec-websocket-key', 'ours'],
    );
  });

  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const answers: Array<[string, number, string[], boolean]> = [
    ['101 with the right accept', 101, ['Sec-WebSocket-Accept', ' s3pPLMBiTxaQ9kYGzzhZRbK+xOo= '], true],
    ['101 with another accept', 101, ['sec-websocket-accept', 'x'], false],
    ['101 without an accept', 101, [], false],
    ['200 (would read as an open tunnel)', 200, [], false],
    ['204', 204, [], false],
    ['400', 400, [], true],
    ['426', 426, [], true],
    ['302', 302, [], true],
    ['503', 503, [], true],
  ];
  for (const [name, status, headers, valid] of answers) {
    it(`backend answer ${name}: ${valid ? 'passed on' : '502'}`, () => assert.equal(upgradeAnswerValid(status, headers, key), valid));
  }
});
