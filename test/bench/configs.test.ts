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
import { porticoFiles } from '../../bench/proxies/portico.ts';
import { routeTable } from '../../bench/routes.ts';
import type { ProxySetup } from '../../bench/routes.ts';
import { findTool } from '../../bench/system.ts';
import { wrkScript } from '../../bench/load/wrk.ts';
import { loadDirectoryOnce } from '../../src/providers/file/index.ts';

const run = promisify(execFile);
const nginx = findTool('nginx');
const haproxy = findTool('haproxy');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-bench-config-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function setupFor(name: string, routes: number): Promise<ProxySetup> {
  const own = await mkdtemp(join(dir, `${name}-`));
  return { dir: own, listenPort: 18080, backendPort: 18081, routes: routeTable(routes) };
}

test('the route tables: one catch-all route, or N distinct prefixes that do not shadow each other', () => {
  assert.deepEqual(routeTable(1).prefixes, ['/']);
  const many = routeTable(1000);
  assert.equal(new Set(many.prefixes).size, 1000);
  assert.ok(many.requestPaths.every((path, i) => path.startsWith(many.prefixes[i] as string)));
  assert.ok(many.prefixes.every((prefix) => prefix.endsWith('/')), 'a prefix without a trailing slash would also match its longer siblings');
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

test('the wrk script cycles through the paths only when there are several', () => {
  assert.doesNotMatch(wrkScript(['/']), /request = function/);
  const script = wrkScript(['/r0/item', '/r1/"q"']);
  assert.match(script, /local paths = \{ "\/r0\/item", "\/r1\/\\"q\\"" \}/);
  assert.match(script, /done = function/);
});
