import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routerCases } from './cases.ts';
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
