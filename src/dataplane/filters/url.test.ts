import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRPathMatch, IRRedirect } from '../../ir/types.ts';
import { redirectLocation, rewriteTarget } from './url.ts';

const prefix = (value: string): IRPathMatch => ({ type: 'PathPrefix', value });

// HTTPPathModifier.ReplacePrefixMatch's table, row for row, plus the
// HTTPRouteRewritePath and HTTPRouteRedirectPath conformance cases.
const replacePrefixRows: Array<[path: string, matched: string, replacement: string, expect: string]> = [
  ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
  ['/foo', '/foo', '/xyz', '/xyz'],
  ['/foo/', '/foo', '/xyz', '/xyz/'],
  ['/foo/bar', '/foo', '', '/bar'],
  ['/foo/', '/foo', '', '/'],
  ['/foo', '/foo', '', '/'],
  ['/foo/', '/foo', '/', '/'],
  ['/foo', '/foo', '/', '/'],
  ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
  ['/strip-prefix/three', '/strip-prefix', '/', '/three'],
  ['/strip-prefix', '/strip-prefix', '/', '/'],
  ['/original-prefix/lemon', '/original-prefix', '/replacement-prefix', '/replacement-prefix/lemon'],
  ['/path-and-host', '/path-and-host', '/replacement-prefix', '/replacement-prefix'],
  ['/a/b', '/', '/x', '/x/a/b'],
  ['/', '/', '/x', '/x/'],
  ['/', '/', '/', '/'],
];

test('ReplacePrefixMatch replaces whole path elements, in rewrites and redirects', () => {
  for (const [path, matched, replacement, expect] of replacePrefixRows) {
    const label = `${path} with prefix ${matched} → ${JSON.stringify(replacement)}`;
    const rewritten = rewriteTarget({ host: 'h', path, query: '' }, { path: { type: 'ReplacePrefixMatch', value: replacement } }, prefix(matched));
    assert.equal(rewritten.path, expect, `rewrite ${label}`);
    const location = redirectLocation({ scheme: 'http', host: 'h', path, query: '' },
      { statusCode: 302, path: { type: 'ReplacePrefixMatch', value: replacement } }, prefix(matched));
    assert.equal(location, `http://h${expect}`, `redirect ${label}`);
  }
});

test('rewrites: full path, hostname, and the query kept', () => {
  const req = { host: 'gw.example.com', path: '/full/one/two', query: 'a=1&b' };
  assert.deepEqual(rewriteTarget(req, { path: { type: 'ReplaceFullPath', value: '/one' } }, prefix('/full/one')),
    { host: 'gw.example.com', path: '/one?a=1&b' });
  assert.deepEqual(rewriteTarget(req, { hostname: 'one.example.org' }, prefix('/')),
    { host: 'one.example.org', path: '/full/one/two?a=1&b' });
  assert.deepEqual(rewriteTarget({ ...req, query: '' }, {}, prefix('/')), { host: 'gw.example.com', path: '/full/one/two' });
});

const redirect = (partial: Partial<IRRedirect>): IRRedirect => ({ statusCode: 302, ...partial });

// Scheme/host/port combinations as HTTPRouteRedirectPortAndScheme and
// HTTPRouteRedirectScheme expect them, with the port already resolved by
// translate (explicit port, else the scheme's, else the listener's).
const locationCases: Array<{ name: string; scheme: 'http' | 'https'; redirect: IRRedirect; expect: string }> = [
  { name: 'nothing set keeps scheme, host and path', scheme: 'http', redirect: redirect({}), expect: 'http://gw.example.com/p?q=1' },
  { name: 'hostname', scheme: 'http', redirect: redirect({ hostname: 'example.org' }), expect: 'http://example.org/p?q=1' },
  { name: 'listener port 80 on http is not written', scheme: 'http', redirect: redirect({ hostname: 'example.org', port: 80 }), expect: 'http://example.org/p?q=1' },
  { name: 'listener port 8080 on http is written', scheme: 'http', redirect: redirect({ hostname: 'example.org', port: 8080 }), expect: 'http://example.org:8080/p?q=1' },
  { name: 'scheme https with its port 443', scheme: 'http', redirect: redirect({ scheme: 'https', hostname: 'example.org', port: 443 }), expect: 'https://example.org/p?q=1' },
  { name: 'scheme https, port 8443', scheme: 'http', redirect: redirect({ scheme: 'https', hostname: 'example.org', port: 8443 }), expect: 'https://example.org:8443/p?q=1' },
  { name: 'scheme https with no port', scheme: 'http', redirect: redirect({ scheme: 'https' }), expect: 'https://gw.example.com/p?q=1' },
  { name: 'scheme http from https, port 80', scheme: 'https', redirect: redirect({ scheme: 'http', port: 80 }), expect: 'http://gw.example.com/p?q=1' },
  { name: 'https request keeps https; 443 not written', scheme: 'https', redirect: redirect({ port: 443 }), expect: 'https://gw.example.com/p?q=1' },
  { name: 'port 443 with http is written', scheme: 'http', redirect: redirect({ port: 443 }), expect: 'http://gw.example.com:443/p?q=1' },
  { name: 'port 80 with https is written', scheme: 'https', redirect: redirect({ port: 80 }), expect: 'https://gw.example.com:80/p?q=1' },
  { name: 'full path replaced, query kept', scheme: 'http', redirect: redirect({ path: { type: 'ReplaceFullPath', value: '/full-path-replacement' } }), expect: 'http://gw.example.com/full-path-replacement?q=1' },
];

test('redirect Location: scheme, host, port and path', () => {
  for (const { name, scheme, redirect: filter, expect } of locationCases) {
    assert.equal(redirectLocation({ scheme, host: 'gw.example.com', path: '/p', query: 'q=1' }, filter, prefix('/p')), expect, name);
  }
});

test('redirect Location brackets an IPv6 host', () => {
  assert.equal(redirectLocation({ scheme: 'http', host: '::1', path: '/', query: '' }, redirect({ port: 8080 }), prefix('/')), 'http://[::1]:8080/');
  assert.equal(redirectLocation({ scheme: 'http', host: '[::1]', path: '/', query: '' }, redirect({}), prefix('/')), 'http://[::1]/');
});
