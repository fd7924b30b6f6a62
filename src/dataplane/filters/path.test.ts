import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePath } from './path.ts';

const normalised: Array<[raw: string, path: string]> = [
  ['/', '/'],
  ['/a/b/c', '/a/b/c'],
  ['/a/b/', '/a/b/'],
  ['/static/app.min.js', '/static/app.min.js'],
  ['/a-b_c~d!$&\'()*+,;=:@', '/a-b_c~d!$&\'()*+,;=:@'],
  // RFC 3986 §5.2.4 dot segments
  ['/a/./b', '/a/b'],
  ['/a/../b', '/b'],
  ['/../a', '/a'],
  ['/../../a/..', '/'],
  ['/a/b/..', '/a/'],
  ['/a/b/.', '/a/b/'],
  ['/.', '/'],
  ['/..', '/'],
  ['/a/.b', '/a/.b'],
  ['/a/..b', '/a/..b'],
  ['/a/b../c', '/a/b../c'],
  ['/a/.../b', '/a/.../b'],
  // dots spelled as %2E are dots
  ['/%2e%2e/a', '/a'],
  ['/a/.%2E/b', '/b'],
  ['/a/%2e', '/a/'],
  // merge slashes, after dot segments (Envoy's order)
  ['//a//b', '/a/b'],
  ['/a//', '/a/'],
  ['/a///b///', '/a/b/'],
  ['/a//../b', '/a/b'],
  // unreserved characters are decoded; other escapes stay as sent
  ['/%41%62c', '/Abc'],
  ['/%7e%7E%2D%5f%30', '/~~-_0'],
  ['/a%20b', '/a%20b'],
  ['/a%3fb%3Fc', '/a%3fb%3Fc'],
  ['/%25', '/%25'],
  ['/%252F', '/%252F'],
  // "\" is a separator, as for http(s) URLs in the WHATWG URL standard
  ['/a\\b', '/a/b'],
  ['/a\\..\\b', '/b'],
  // characters that may not appear raw are encoded
  ['/caf\u00c3\u00a9', '/caf%C3%A9'],
  ['/a"b', '/a%22b'],
  ['/{x}<y>`', '/%7Bx%7D%3Cy%3E%60'],
];

test('paths are normalised as Envoy Gateway configures Envoy', () => {
  for (const [raw, path] of normalised) {
    assert.deepEqual(normalizePath(raw), { path }, JSON.stringify(raw));
  }
});

const redirected: Array<[raw: string, path: string]> = [
  ['/a%2Fb', '/a/b'],
  ['/a%2fb', '/a/b'],
  ['/a%5Cb', '/a/b'],
  ['/a%5cb', '/a/b'],
  ['/a%2F..%2Fb', '/b'],
  ['/a%2F%2Fb', '/a/b'],
];

test('escaped slashes are decoded and the client is redirected to the decoded path', () => {
  for (const [raw, path] of redirected) {
    assert.deepEqual(normalizePath(raw), { path, redirect: true }, JSON.stringify(raw));
  }
});

const rejected: Array<[raw: string, why: RegExp]> = [
  ['', /absolute path/],
  ['a/b', /absolute path/],
  ['*', /absolute path/],
  ['http://example.com/a', /absolute path/],
  ['/a%zz', /malformed percent/],
  ['/a%4', /malformed percent/],
  ['/a%', /malformed percent/],
  ['/a%00b', /encoded NUL/],
  ['/a\u0000b', /NUL/],
  ['/a b', /control character or space/],
  ['/a\tb', /control character or space/],
  ['/a\u007fb', /control character or space/],
  ['/a\rb', /control character or space/],
  ['/a#frag', /fragment/],
  ['/\u0100', /not a byte/],
];

test('paths that must never reach a backend are rejected', () => {
  for (const [raw, why] of rejected) {
    const result = normalizePath(raw);
    assert.ok('error' in result, JSON.stringify(raw));
    assert.match(result.error, why, JSON.stringify(raw));
  }
});

test('normalisation is idempotent and leaves no dot segments or double slashes', () => {
  const pieces = ['/', '/', '.', '..', '%2e', '%2F', 'a', '%41', '\\', '%25', '%3f', '\u00e9', '//'];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 3000; i++) {
    let raw = '/';
    for (let n = Math.floor(next() * 8); n > 0; n--) raw += pieces[Math.floor(next() * pieces.length)] as string;
    const once = normalizePath(raw);
    assert.ok('path' in once, JSON.stringify(raw));
    assert.deepEqual(normalizePath(once.path), { path: once.path }, `not idempotent: ${JSON.stringify(raw)} → ${once.path}`);
    assert.doesNotMatch(once.path, /\/\/|\/\.\.?(\/|$)/, JSON.stringify(raw));
  }
});
