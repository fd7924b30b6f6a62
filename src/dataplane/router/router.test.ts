import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPort, entry, prefix, request, routerCases } from './cases.ts';
import { compileRouter } from './compile.ts';
import { referenceRoute } from './reference.ts';

for (const { name, port, requests } of routerCases) {
  test(`routing: ${name}`, () => {
    const router = compileRouter(port);
    for (const { request, expect } of requests) {
      const label = `${request.method} ${request.host}${request.path}?${request.query} [${request.headers.join(', ')}]`;
      const reference = referenceRoute(port, request);
      const compiled = router.route(request);
      assert.equal(reference?.rule.name ?? null, expect, `reference: ${label}`);
      assert.equal(compiled?.rule.name ?? null, expect, `compiled: ${label}`);
      // Same winner, not just the same rule: the match entry is needed for rewrites.
      assert.equal(compiled?.match, reference?.match, `same match entry: ${label}`);
      assert.equal(compiled?.vhost, reference?.vhost, `same virtual host: ${label}`);
    }
  });
}

test('routing: a node with hundreds of children finds each one, and nothing else, by name', () => {
  // Enough siblings that their slots collide and lookups probe; names that
  // share prefixes and lengths ("s1", "s10", "s100") so only whole elements match.
  const names = Array.from({ length: 300 }, (_, i) => `s${i}`);
  const port = buildPort({ '*': [...names.map((name) => entry(prefix(`/${name}/`), name)), entry(prefix('/'), 'root')] });
  const router = compileRouter(port);
  for (const name of names) {
    assert.equal(router.route(request(`/${name}`))?.rule.name, name);
    assert.equal(router.route(request(`/${name}/item/1`))?.rule.name, name);
    assert.equal(router.route(request(`/${name}x/item`))?.rule.name, 'root');
  }
  for (const path of ['/s300', '/s', '/S1', '/s-1', '/', '/x/s1']) assert.equal(router.route(request(path))?.rule.name, 'root', path);
});
