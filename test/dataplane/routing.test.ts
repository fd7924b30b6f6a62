// The routing pipeline end to end: host and path normalisation, 404, redirect,
// direct response, weighted backend choice, invalid shares, backends without
// endpoints, round robin, and several gateways merged on one port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IR } from '../../src/ir/types.ts';
import { backend, buildIR, get, rawExchange, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('routing pipeline', () => {
  const backends: TestBackend[] = [];
  let dp: RunningDataPlane;

  before(async () => {
    for (const name of ['one', 'two', 'three']) {
      backends.push(await startBackend((req, res) => res.end(`${name} ${req.url}`)));
    }
    const [one, two, three] = backends.map((b) => b.port) as [number, number, number];
    dp = await startDataPlane((port) => buildIR(port, [
      { hostname: 'shop.example.com', path: { type: 'PathPrefix', value: '/' }, rule: rule('shop', { backends: [to('one')] }) },
      { hostname: '*.example.com', path: { type: 'PathPrefix', value: '/' }, rule: rule('wild', { backends: [to('two')] }) },
      { path: { type: 'Exact', value: '/moved' }, rule: rule('moved', { redirect: { statusCode: 301, scheme: 'https', port: 8443, path: { type: 'ReplaceFullPath', value: '/new' } } }) },
      { path: { type: 'PathPrefix', value: '/old' }, rule: rule('prefix-redirect', { redirect: { statusCode: 302, path: { type: 'ReplacePrefixMatch', value: '/new' } } }) },
      { path: { type: 'Exact', value: '/teapot' }, rule: rule('direct', { directResponse: { status: 418, body: 'short and stout' } }) },
      { path: { type: 'Exact', value: '/broken' }, rule: rule('broken', { directResponse: { status: 500 } }) },
      { path: { type: 'Exact', value: '/invalid-ref' }, rule: rule('invalid', { backends: [{ weight: 1, status: 500 }] }) },
      { path: { type: 'Exact', value: '/no-backends' }, rule: rule('none', { backends: [] }) },
      { path: { type: 'Exact', value: '/empty' }, rule: rule('empty', { backends: [to('empty')] }) },
      { path: { type: 'PathPrefix', value: '/split' }, rule: rule('split', { backends: [to('one', 3), to('two', 1), to('three', 0)] }) },
      { path: { type: 'PathPrefix', value: '/rr' }, rule: rule('rr', { backends: [to('pool')] }) },
      { path: { type: 'PathPrefix', value: '/api' }, method: 'POST', rule: rule('api-post', { backends: [to('three')] }) },
      { path: { type: 'PathPrefix', value: '/api' }, rule: rule('api', { backends: [to('one')] }) },
    ], [
      backend('one', [one]), backend('two', [two]), backend('three', [three]),
      backend('pool', [one, two, three]), backend('empty', []),
    ]));
  });
  after(async () => {
    await dp.close();
    for (const b of backends) await b.close();
  });

  const table: Array<{ name: string; host?: string; path: string; method?: string; status: number; body?: string | RegExp; location?: string }> = [
    { name: 'exact host', host: 'shop.example.com', path: '/x', status: 200, body: 'one /x' },
    { name: 'host case, port and trailing dot are ignored', host: 'SHOP.Example.com.:8080', path: '/x', status: 200, body: 'one /x' },
    { name: 'wildcard host', host: 'a.b.example.com', path: '/x', status: 200, body: 'two /x' },
    { name: 'no route', host: 'other.test', path: '/nothing-here', status: 404 },
    { name: 'redirect with scheme, port and full path', host: 'other.test', path: '/moved?keep=1', status: 301, location: 'https://other.test:8443/new?keep=1' },
    { name: 'redirect replacing the matched prefix', host: 'other.test:8080', path: '/old/page', status: 302, location: 'http://other.test/new/page' },
    { name: 'direct response with body', host: 'other.test', path: '/teapot', status: 418, body: 'short and stout' },
    { name: 'direct response without body', host: 'other.test', path: '/broken', status: 500, body: '' },
    { name: 'share without a valid backend', host: 'other.test', path: '/invalid-ref', status: 500 },
    { name: 'rule without backends', host: 'other.test', path: '/no-backends', status: 500 },
    { name: 'backend without endpoints', host: 'other.test', path: '/empty', status: 503 },
    { name: 'method match', host: 'other.test', path: '/api/x', method: 'POST', status: 200, body: 'three /api/x' },
    { name: 'method falls through', host: 'other.test', path: '/api/x', method: 'GET', status: 200, body: 'one /api/x' },
    { name: 'dot segments are removed before routing', host: 'other.test', path: '/teapot/../api/./y', status: 200, body: 'one /api/y' },
    { name: 'percent-encoded unreserved characters are decoded', host: 'other.test', path: '/%61pi/z', status: 200, body: 'one /api/z' },
    { name: 'escaped slash: redirected to the decoded path', host: 'other.test', path: '/api%2Fz?q', status: 307, location: '/api/z?q' },
    { name: 'invalid escape', host: 'other.test', path: '/api/%zz', status: 400 },
  ];

  for (const row of table) {
    it(`${row.name} → ${row.status}`, async () => {
      const response = await get(dp.port, row.path, { host: row.host, method: row.method });
      assert.equal(response.status, row.status, response.body);
      if (typeof row.body === 'string') assert.equal(response.body, row.body);
      if (row.location !== undefined) assert.equal(response.headers.location, row.location);
    });
  }

  it('splits by weight (3:1:0) and never picks a zero-weight backend', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const response = await get(dp.port, '/split', { host: 'other.test' });
      const name = response.body.split(' ')[0] as string;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    assert.equal(counts.get('three'), undefined);
    const one = counts.get('one') ?? 0;
    assert.ok(one > 110 && one < 190, `about 150 of 200 to "one", got ${one}`);
  });

  it('balances round robin over a backend\'s endpoints', async () => {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push((await get(dp.port, '/rr', { host: 'other.test' })).body.split(' ')[0] as string);
    assert.deepEqual(names.slice(0, 3).sort(), ['one', 'three', 'two']);
    assert.deepEqual(names.slice(3), names.slice(0, 3));
  });

  it('keeps the client connection after local answers (404, redirect, 503)', async () => {
    const { text } = await rawExchange(dp.port,
      'GET /nothing HTTP/1.1\r\nHost: other.test\r\n\r\nGET /moved HTTP/1.1\r\nHost: other.test\r\n\r\n' +
      'GET /empty HTTP/1.1\r\nHost: other.test\r\n\r\nGET /api/ok HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n');
    assert.deepEqual(statusLines(text), [404, 301, 503, 200]);
  });
});

describe('several gateways on one port', () => {
  it('merges their virtual hosts; the first gateway wins a hostname both serve', async () => {
    const first = await startBackend((_req, res) => res.end('first'));
    const second = await startBackend((_req, res) => res.end('second'));
    const build = (port: number): IR => {
      const a = buildIR(port, [
        { hostname: 'both.example', rule: rule('a-both', { backends: [to('a')] }) },
        { hostname: 'only-a.example', rule: rule('a-only', { backends: [to('a')] }) },
      ], [backend('a', [first.port])], 'a');
      const b = buildIR(port, [
        { hostname: 'both.example', rule: rule('b-both', { backends: [to('b')] }) },
        { hostname: 'only-b.example', rule: rule('b-only', { backends: [to('b')] }) },
      ], [backend('b', [second.port])], 'b');
      return { gateways: [...a.gateways, ...b.gateways] };
    };
    const dp = await startDataPlane(build);
    try {
      assert.equal((await get(dp.port, '/', { host: 'both.example' })).body, 'first');
      assert.equal((await get(dp.port, '/', { host: 'only-a.example' })).body, 'first');
      assert.equal((await get(dp.port, '/', { host: 'only-b.example' })).body, 'second');
      assert.equal(dp.dataPlane.listening().length, 1);
    } finally {
      await dp.close();
      await first.close();
      await second.close();
    }
  });
});
