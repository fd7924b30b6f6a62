import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareHostnameSpecificity, coveringPatterns, effectiveHostnames, hostnameCovers } from './hostname.ts';

test('hostnameCovers: every host of the inner pattern matches the outer one', () => {
  const table: [outer: string, inner: string, covers: boolean][] = [
    ['*', '*', true],
    ['*', 'a.example.com', true],
    ['*', '*.example.com', true],
    ['a.example.com', 'a.example.com', true],
    ['a.example.com', 'b.example.com', false],
    ['a.example.com', '*.example.com', false],
    ['a.example.com', '*', false],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'aexample.com', false],
    ['*.example.com', '*.example.com', true],
    ['*.example.com', '*.b.example.com', true],
    ['*.b.example.com', '*.example.com', false],
    ['*.example.com', '*', false],
  ];
  for (const [outer, inner, covers] of table) assert.equal(hostnameCovers(outer, inner), covers, `${outer} ⊇ ${inner}`);
});

test('effectiveHostnames: HTTPRoute.spec.hostnames intersection with the listener hostname', () => {
  const table: [listener: string | undefined, route: string[], expected: string[]][] = [
    [undefined, [], ['*']],
    ['foo.example.com', [], ['foo.example.com']],
    [undefined, ['a.com', '*.b.com'], ['a.com', '*.b.com']],
    ['test.example.com', ['test.example.com'], ['test.example.com']],
    ['test.example.com', ['*.example.com'], ['test.example.com']],
    ['test.example.com', ['other.example.com', 'example.com'], []],
    ['*.example.com', ['*.example.com', 'test.example.com', 'foo.test.example.com'], ['*.example.com', 'test.example.com', 'foo.test.example.com']],
    ['*.example.com', ['example.com', 'test.example.net'], []],
    ['*.example.com', ['*.com'], ['*.example.com']],
    ['*.example.com', ['*.com', '*.example.com'], ['*.example.com']],
    ['*.wildcard.io', ['wildcard.io', 'foo.wildcard.io'], ['foo.wildcard.io']],
  ];
  for (const [listener, route, expected] of table) assert.deepEqual(effectiveHostnames(listener, route), expected, `${listener} × ${route.join(',')}`);
});

test('coveringPatterns lists the patterns that cover a pattern, most specific first', () => {
  assert.deepEqual(coveringPatterns('a.b.c'), ['a.b.c', '*.b.c', '*.c', '*']);
  assert.deepEqual(coveringPatterns('*.b.c'), ['*.b.c', '*.c', '*']);
  assert.deepEqual(coveringPatterns('localhost'), ['localhost', '*']);
  assert.deepEqual(coveringPatterns('*'), ['*']);
});

test('hostname specificity: exact before wildcard, longer before shorter, "*" last', () => {
  const sorted = ['*', '*.example.com', 'a.example.com', '*.a.example.com', 'bb.example.com', '*.com'].sort(compareHostnameSpecificity);
  assert.deepEqual(sorted, ['bb.example.com', 'a.example.com', '*.a.example.com', '*.example.com', '*.com', '*']);
});
