import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONNECTION, CONTENT_LENGTH, HOST, OTHER, TE, TRANSFER_ENCODING, X_FORWARDED_FOR, connectionListedNames, headerKind, isPlainConnectionValue } from './header-names.ts';

describe('header names', () => {
  const kinds: Array<[string, number]> = [
    ['Host', HOST], ['HOST', HOST], ['host', HOST], ['hosT', HOST], ['hostx', OTHER], ['hos', OTHER],
    ['Transfer-Encoding', TRANSFER_ENCODING], ['transfer_encoding', OTHER], ['Content-Length', CONTENT_LENGTH],
    ['TE', TE], ['Connection', CONNECTION], ['X-Forwarded-For', X_FORWARDED_FOR], ['X-Forwarded-Fox', OTHER],
    ['Content-Type', OTHER], ['', OTHER],
  ];
  for (const [name, kind] of kinds) it(`classifies "${name}"`, () => assert.equal(headerKind(name), kind));

  it('lists the headers a Connection header names, lowercased, without the usual options', () => {
    assert.deepEqual(connectionListedNames(['Connection', 'keep-alive, X-Foo', 'connection', ' x-bar ,Upgrade,close']), new Set(['x-foo', 'x-bar']));
    assert.equal(connectionListedNames(['Connection', 'keep-alive', 'X-Foo', '1']), undefined);
  });

  it('recognises plain Connection values', () => {
    assert.equal(isPlainConnectionValue('Keep-Alive'), true);
    assert.equal(isPlainConnectionValue('close'), true);
    assert.equal(isPlainConnectionValue('upgrade'), true);
    assert.equal(isPlainConnectionValue('close, x-foo'), false);
  });
});
