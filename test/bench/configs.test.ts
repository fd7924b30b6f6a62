// The bench's config generators produce configurations their programs accept:
// nginx -t, haproxy -c, and Portico's own loader. No timing here: the bench
// itself stays out of `npm test`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { haproxyArgs, haproxyFiles } from '../../bench/proxies/haproxy.ts';
import { writeFiles } from '../../bench/proxies/index.ts';
import { nginxArgs, nginxBackendConfig, nginxProxyConfig } from '../../bench/proxies/nginx.ts';
import { porticoArgs, porticoFiles } from '../../bench/proxies/portico.ts';
import { routeTable } from '../../bench/routes.ts';
import type { ProxySetup } from '../../bench/routes.ts';
import { findTool } from '../../bench/system.ts';
import { makeTestCertificate } from '../../bench/tls.ts';
import type { TlsFiles } from '../../bench/tls.ts';
import { wrkScript } from '../../bench/load/wrk.ts';
import { loadDirectoryOnce } from '../../src/providers/file/index.ts';

const run = promisify(execFile);
const nginx = findTool('nginx');
const haproxy = findTool('haproxy');
const openssl = findTool('openssl');

let dir: string;
let tls: TlsFiles | undefined;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-bench-config-'));
  if (openssl) tls = await makeTestCertificate(openssl, dir);
});
after(() => rm(dir, { recursive: true, force: true }));

async function setupFor(name: string, routes: number, extra: Partial<ProxySetup> = {}): Promise<ProxySetup> {
  const own = await mkdtemp(join(dir, `${name}-`));
  return { dir: own, listenPort: 18080, backendPort: 18081, routes: routeTable(routes), workers: 1, ...extra };
}

/** The listener variants the scenarios use: plain, HTTPS, HTTP/2 over TLS, and two workers. */
const variants: { name: string; extra: () => Partial<ProxySetup> }[] = [
  { name: 'HTTPS', extra: () => ({ tls }) },
  { name: 'HTTP/2 over TLS', extra: () => ({ tls, http2: true }) },
  { name: 'two workers', extra: () => ({ workers: 2 }) },
];

test('the route tables: one catch-all route, or N distinct prefixes that do not shadow each other', () => {
  assert.deepEqual(routeTable(1).prefixes, ['/']);
  const many = routeTable(1000);
  assert.equal(new Set(many.prefixes).size, 1000);
  assert.ok(many.requestPaths.every((path, i) => path.startsWith(many.prefixes[i] as string)));
  assert.ok(many.prefixes.every((prefix) => prefix.endsWith('/')), 'a prefix without a trailing slash would also match its longer siblings');
  const spread = routeTable(1, 1000);
  assert.deepEqual([spread.prefixes, spread.requestPaths], [['/'], many.requestPaths], 'one route fed the 1,000-route run\'s request stream');
});

for (const routes of [1, 1000]) {
  test(`nginx accepts the proxy config for ${routes} route(s) and the backend config`, { skip: nginx ? false : 'nginx is not installed (npm run bench installs it)' }, async () => {
    const setup = await setupFor('nginx', routes);
    const proxyConfig = nginxProxyConfig(setup);
    assert.equal(proxyConfig.match(/location \/r\d+\/ /g)?.length ?? 0, routes === 1 ? 0 : routes);
    await writeFile(join(setup.dir, 'nginx.conf'), proxyConfig);
    await writeFile(join(setup.dir, 'backend.conf'), nginxBackendConfig(setup.dir, setup.backendPort));
    for (const config of ['nginx.conf', 'backend.conf']) {
      const { stderr } = await run(nginx as string, [...nginxArgs(setup.dir, join(setup.dir, config)), '-t']);
      assert.match(stderr, /test is successful/);
    }
  });

  test(`haproxy accepts the config for ${routes} route(s)`, { skip: haproxy ? false : 'haproxy is not installed (npm run bench installs it)' }, async () => {
    const setup = await setupFor('haproxy', routes);
    const files = haproxyFiles(setup);
    assert.equal(files['routes.map']?.split('\n').filter(Boolean).length, routes === 1 ? undefined : routes);
    await writeFiles(setup.dir, files);
    await run(haproxy as string, [...haproxyArgs(setup.dir), '-c']);
  });

  test(`Portico loads the Gateway API manifests for ${routes} route(s) without a diagnostic`, async () => {
    const setup = await setupFor('portico', routes);
    await writeFiles(setup.dir, porticoFiles(setup));
    const snapshot = await loadDirectoryOnce(setup.dir);
    assert.deepEqual(snapshot.diagnostics, []);
    assert.equal(snapshot.resources.httpRoutes.length, routes);
    assert.equal(snapshot.resources.gateways[0]?.spec.listeners[0]?.port, setup.listenPort);
  });
}

for (const variant of variants) {
  const needs = variant.name === 'two workers' ? false : !openssl && 'openssl is not installed (npm run bench installs it)';
  test(`nginx accepts the ${variant.name} proxy config`, { skip: nginx ? needs : 'nginx is not installed (npm run bench installs it)' }, async () => {
    const setup = await setupFor('nginx', 1, variant.extra());
    const config = nginxProxyConfig(setup);
    if (setup.tls) assert.match(config, setup.http2 ? /listen 127\.0\.0\.1:18080 ssl http2;/ : /listen 127\.0\.0\.1:18080 ssl;/);
    assert.match(config, new RegExp(`worker_processes ${setup.workers};`));
    await writeFile(join(setup.dir, 'nginx.conf'), config);
    const { stderr } = await run(nginx as string, [...nginxArgs(setup.dir, join(setup.dir, 'nginx.conf')), '-t']);
    assert.match(stderr, /test is successful/);
  });

  test(`haproxy accepts the ${variant.name} config`, { skip: haproxy ? needs : 'haproxy is not installed (npm run bench installs it)' }, async () => {
    const setup = await setupFor('haproxy', 1, variant.extra());
    const files = haproxyFiles(setup);
    if (setup.tls) assert.match(files['haproxy.cfg'] ?? '', setup.http2 ? /ssl crt \S+ alpn h2,http\/1\.1/ : /ssl crt \S+ alpn http\/1\.1/);
    assert.match(files['haproxy.cfg'] ?? '', new RegExp(`nbthread ${setup.workers}\n`));
    await writeFiles(setup.dir, files);
    await run(haproxy as string, [...haproxyArgs(setup.dir), '-c']);
  });
}

test('Portico gets an HTTPS listener with the certificate in a kubernetes.io/tls Secret', { skip: openssl ? false : 'openssl is not installed' }, async () => {
  const setup = await setupFor('portico', 1, { tls });
  await writeFiles(setup.dir, porticoFiles(setup));
  const snapshot = await loadDirectoryOnce(setup.dir);
  assert.deepEqual(snapshot.diagnostics, []);
  const listener = snapshot.resources.gateways[0]?.spec.listeners[0];
  assert.equal(listener?.protocol, 'HTTPS');
  assert.equal(listener?.tls?.certificateRefs?.[0]?.name, 'bench-tls');
  const secret = snapshot.resources.secrets[0];
  assert.equal(secret?.type, 'kubernetes.io/tls');
  assert.equal(Buffer.from(secret?.data?.['tls.crt'] ?? '', 'base64').toString(), tls?.certPem);
});

test('Portico is asked for more than one worker with the flag, so a Portico without workers says so', () => {
  assert.deepEqual(porticoArgs('/cfg').slice(-2), ['--bind-address', '127.0.0.1']);
  assert.deepEqual(porticoArgs('/cfg', 2).slice(-2), ['--workers', '2']);
});

test('the wrk script cycles through the paths only when there are several', () => {
  assert.doesNotMatch(wrkScript(['/']), /request = function/);
  const script = wrkScript(['/r0/item', '/r1/"q"']);
  assert.match(script, /local paths = \{ "\/r0\/item", "\/r1\/\\"q\\"" \}/);
  assert.match(script, /done = function/);
});
