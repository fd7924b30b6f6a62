// HTTPRoute matching end to end: path, header, query, method, hostnames and
// precedence across routes, through real sockets to echo backends. The cases
// follow what the Gateway API conformance tests check (HTTPRouteMatching,
// HTTPRouteExactPathMatching, HTTPRouteHeaderMatching, HTTPRouteQueryParamMatching,
// HTTPRouteMethodMatching, HTTPRouteMatchingAcrossRoutes, HTTPRoutePathMatchOrder,
// HTTPRouteHostnameIntersection), written as our own tables.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Harness } from '../support/harness.ts';
import { ref, startHarness } from '../support/harness.ts';
import { httpRoute } from '../support/manifests.ts';

interface Case {
  name: string;
  host?: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Echo backend expected to answer, or a status Portico answers itself. */
  backend?: string;
  status?: number;
}

async function runCases(harness: Harness, cases: Case[]): Promise<void> {
  for (const c of cases) {
    const response = await harness.send({ host: c.host ?? 'example.com', path: c.path, method: c.method, headers: c.headers });
    if (c.backend !== undefined) {
      assert.equal(response.status, 200, `${c.name}: status ${response.status} ${response.body.slice(0, 200)}`);
      assert.equal(response.json().name, c.backend, `${c.name}: reached the wrong backend`);
    } else {
      assert.equal(response.status, c.status, `${c.name}: status`);
    }
  }
}

describe('HTTPRoute matching', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backends: ['v1', 'v2', 'v3', 'v4'] });
  });
  after(() => harness.close());

  test('path: Exact, PathPrefix on element boundaries, RegularExpression', async () => {
    await harness.setRoutes(
      httpRoute('paths', {
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [ref('v1')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/prefix/' } }], backendRefs: [ref('v2')] },
          { matches: [{ path: { type: 'RegularExpression', value: '/regex/[0-9]+' } }], backendRefs: [ref('v3')] },
        ],
      }),
    );
    await runCases(harness, [
      { name: 'exact', path: '/exact', backend: 'v1' },
      { name: 'exact is not a prefix', path: '/exact/more', status: 404 },
      { name: 'exact ignores the query', path: '/exact?x=1', backend: 'v1' },
      { name: 'prefix itself (trailing slash ignored)', path: '/prefix', backend: 'v2' },
      { name: 'prefix with slash', path: '/prefix/', backend: 'v2' },
      { name: 'prefix sub-path', path: '/prefix/a/b', backend: 'v2' },
      { name: 'prefix is element-wise', path: '/prefixed', status: 404 },
      { name: 'regex matches whole path', path: '/regex/123', backend: 'v3' },
      { name: 'regex does not match a partial path', path: '/regex/123/x', status: 404 },
      { name: 'dot segments are normalised before matching', path: '/x/../exact', backend: 'v1' },
      { name: 'nothing matches', path: '/other', status: 404 },
    ]);
  });

  test('headers, query parameters and method; ANDed within a match, ORed across matches', async () => {
    await harness.setRoutes(
      httpRoute('conditions', {
        rules: [
          { matches: [{ headers: [{ name: 'Version', value: 'one' }] }], backendRefs: [ref('v1')] },
          {
            matches: [{ headers: [{ name: 'version', value: 'two' }, { name: 'color', type: 'RegularExpression', value: 'bl(ue|ack)' }] }],
            backendRefs: [ref('v2')],
          },
          { matches: [{ queryParams: [{ name: 'animal', value: 'whale' }] }, { method: 'DELETE' }], backendRefs: [ref('v3')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [ref('v4')] },
        ],
      }),
    );
    await runCases(harness, [
      { name: 'header match, name case-insensitive', path: '/', headers: { VERSION: 'one' }, backend: 'v1' },
      { name: 'header value is case-sensitive', path: '/', headers: { version: 'ONE' }, backend: 'v4' },
      { name: 'both headers', path: '/', headers: { version: 'two', color: 'black' }, backend: 'v2' },
      { name: 'one of two headers is not enough', path: '/', headers: { version: 'two' }, backend: 'v4' },
      { name: 'regex header must match whole value', path: '/', headers: { version: 'two', color: 'blues' }, backend: 'v4' },
      { name: 'query param', path: '/?animal=whale', backend: 'v3' },
      { name: 'query param value exact', path: '/?animal=dolphin', backend: 'v4' },
      { name: 'first query value counts', path: '/?animal=whale&animal=dolphin', backend: 'v3' },
      { name: 'method in the second match', path: '/', method: 'DELETE', backend: 'v3' },
      { name: 'fallback', path: '/', method: 'GET', backend: 'v4' },
    ]);
  });

  test('precedence across routes: exact over prefix, longest prefix, method, headers, query params', async () => {
    await harness.setRoutes(
      httpRoute('a-broad', {
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [ref('v1')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/api' }, method: 'POST' }], backendRefs: [ref('v3')] },
        ],
      }),
      httpRoute('b-specific', {
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [ref('v2')] },
          { matches: [{ path: { type: 'Exact', value: '/api' } }], backendRefs: [ref('v4')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/api/v2' }, headers: [{ name: 'x-beta', value: '1' }] }], backendRefs: [ref('v3')] },
          { matches: [{ path: { type: 'PathPrefix', value: '/api/v2' } }], backendRefs: [ref('v1')] },
        ],
      }),
    );
    await runCases(harness, [
      { name: 'exact beats every prefix', path: '/api', backend: 'v4' },
      { name: 'longer prefix wins', path: '/api/users', backend: 'v2' },
      { name: 'same prefix: method match wins across routes', path: '/api/users', method: 'POST', backend: 'v3' },
      { name: 'longest prefix beats method', path: '/api/v2/x', method: 'POST', backend: 'v1' },
      { name: 'same prefix: more headers win', path: '/api/v2/x', headers: { 'x-beta': '1' }, backend: 'v3' },
      { name: 'root prefix catches the rest', path: '/anything', backend: 'v1' },
    ]);
  });

  test('hostnames: exact and wildcard routes, most specific hostname first', async () => {
    await harness.setRoutes(
      httpRoute('wild', { hostnames: ['*.example.com'], rules: [{ backendRefs: [ref('v1')] }] }),
      httpRoute('exact', { hostnames: ['foo.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/only' } }], backendRefs: [ref('v2')] }] }),
      httpRoute('other', { hostnames: ['other.test'], rules: [{ backendRefs: [ref('v3')] }] }),
    );
    await runCases(harness, [
      { name: 'exact hostname route', host: 'foo.example.com', path: '/only', backend: 'v2' },
      { name: 'Host is case-insensitive, port ignored', host: 'FOO.example.com:8080', path: '/only', backend: 'v2' },
      { name: 'exact host falls through to the wildcard route for other paths', host: 'foo.example.com', path: '/else', backend: 'v1' },
      { name: 'wildcard matches one label', host: 'bar.example.com', path: '/', backend: 'v1' },
      { name: 'wildcard matches several labels', host: 'a.b.example.com', path: '/', backend: 'v1' },
      { name: 'wildcard does not match the bare domain', host: 'example.com', path: '/', status: 404 },
      { name: 'another exact host', host: 'other.test', path: '/', backend: 'v3' },
      { name: 'unknown host', host: 'nowhere.test', path: '/', status: 404 },
    ]);
  });
});
