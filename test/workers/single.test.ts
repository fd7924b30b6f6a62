// One worker (PORTICO_WORKERS=1, as the benchmarks run it): the data plane
// serves in the process itself, with no worker processes, and that process runs
// with the workers' V8 heap setting. Also: --route-metrics labels, the access
// log, and how --workers is checked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { backend, configDir, gateway, gatewayClass, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort, request } from '../support/net.ts';
import { childrenOf, jsonLines, startServe } from './serve-process.ts';
import type { ServeProcess } from './serve-process.ts';

describe('portico serve with one worker', () => {
  let echo: EchoServer;
  let port: number;
  let folder: Awaited<ReturnType<typeof configDir>>;
  let serve: ServeProcess;

  before(async () => {
    echo = await startEcho({ host: '127.0.0.1', name: 'app' });
    port = await freePort();
    folder = await configDir({
      'all.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port }] }), ...backend('app', echo.port), httpRoute('app', { hostnames: ['app.example'], rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] })),
    });
    serve = await startServe(folder.dir, ['--route-metrics', '--access-log'], { PORTICO_WORKERS: '1' });
  });

  after(async () => {
    serve.kill();
    await serve.exited;
    await Promise.all([echo.close(), folder.remove()]);
  });

  test('serves in the process itself, which runs with the semi-space setting', async () => {
    assert.equal((await request({ port, host: 'app.example' })).status, 200);
    const pid = serve.child.pid as number;
    assert.deepEqual(await childrenOf(pid), [], 'no worker processes');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    assert.ok(cmdline.some((arg) => /^--max-semi-space-size=\d+$/.test(arg)), cmdline.join(' '));
    assert.deepEqual((await serve.metrics()).find('portico_worker_info'), []);
  });

  test('--route-metrics labels requests with their route; requests no route took have empty route labels', async () => {
    await request({ port, host: 'app.example', path: '/a' });
    await request({ port, host: 'other.example' });
    const metrics = await serve.metrics();
    assert.ok(metrics.sum('portico_http_requests_total', { gateway: 'default/gw', route: 'default/app', route_kind: 'HTTPRoute', status_class: '2xx' }) >= 1);
    assert.equal(metrics.sum('portico_http_requests_total', { route: '', route_kind: '', status_class: '4xx', error: 'route_not_found' }), 1);
    assert.ok(metrics.find('portico_http_request_duration_seconds_count', { route: 'default/app' }).length > 0);
  });

  test('--access-log writes one JSON line per request', async () => {
    await request({ port, host: 'app.example', path: '/logged?q=1', method: 'POST', body: 'hello' });
    await eventually(() => {
      const line = jsonLines(serve.output()).find((entry) => entry.log === 'access' && entry.path === '/logged');
      assert.ok(line, 'the access log line');
      assert.equal(line.method, 'POST');
      assert.equal(line.host, 'app.example');
      assert.equal(line.status, 200);
      assert.equal(line.bytesReceived, 5);
      assert.equal(line.backend, 'service/default/app/80');
    });
  });
});

test('--workers and PORTICO_WORKERS take a whole number from 1, the flag first', async () => {
  const bin = fileURLToPath(new URL('../../bin/portico.js', import.meta.url));
  const run = (args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, 'serve', '--config', '/nonexistent', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--workers', '0'], {}, /--workers must be a whole number from 1 to 1024, got "0"/],
    [['--workers', 'two'], { PORTICO_WORKERS: '2' }, /--workers must be a whole number/],
    [[], { PORTICO_WORKERS: '-1' }, /PORTICO_WORKERS must be a whole number from 1 to 1024, got "-1"/],
  ];
  const results = await Promise.all(cases.map(([args, env]) => run(args, env)));
  results.forEach((result, i) => {
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, (cases[i] as (typeof cases)[number])[2]);
  });
});
