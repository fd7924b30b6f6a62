// `portico serve --workers 2` as users run it: both workers take connections on
// the shared port, /metrics adds up what every worker counted (and is valid
// Prometheus text), reloads reach every worker, a reload one worker refuses
// leaves all on the last good configuration, and a killed worker is replaced,
// caught up with the current configuration, while the other keeps serving.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { backend, configDir, gateway, gatewayClass, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort, request } from '../support/net.ts';
import { processGone, startServe } from './serve-process.ts';
import type { ServeProcess } from './serve-process.ts';

const HOST = 'app.example';

describe('portico serve --workers 2', () => {
  let blue: EchoServer;
  let green: EchoServer;
  let port: number;
  let folder: Awaited<ReturnType<typeof configDir>>;
  let serve: ServeProcess;

  const gatewayYaml = (extraPort?: number): string =>
    toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port }, ...(extraPort === undefined ? [] : [{ name: 'extra', port: extraPort }])] }));
  const routeTo = (name: string): string => toYaml(httpRoute('app', { hostnames: [HOST], rules: [{ backendRefs: [{ name, port: 80 }] }] }));
  const version = async (): Promise<{ version: number; lastError?: string }> => (await request({ port: serve.adminPort, path: '/config' })).json();
  const workerRequests = async (): Promise<number[]> => {
    const metrics = await serve.metrics();
    return ['0', '1'].map((worker) => metrics.sum('portico_worker_requests_total', { worker }));
  };
  /** Sends requests on fresh connections until every worker answered at least `least` more; returns the backends that answered. */
  const untilEveryWorkerAnswers = async (): Promise<string[]> => {
    const start = await workerRequests();
    const names: string[] = [];
    for (let sent = 0; sent < 400; sent++) {
      const response = await request({ port, host: HOST });
      assert.equal(response.status, 200, response.body);
      names.push(response.json<{ name: string }>().name);
      if (sent % 10 === 9 && (await workerRequests()).every((count, i) => count > (start[i] ?? 0))) return names;
    }
    assert.fail(`a worker never answered: ${JSON.stringify(await workerRequests())}`);
  };

  before(async () => {
    blue = await startEcho({ host: '127.0.0.1', name: 'blue' });
    green = await startEcho({ host: '127.0.0.1', name: 'green' });
    port = await freePort();
    folder = await configDir({
      'gateway.yaml': gatewayYaml(),
      'backends.yaml': toYaml(...backend('blue', blue.port), ...backend('green', green.port)),
      'route.yaml': routeTo('blue'),
    });
    serve = await startServe(folder.dir, ['--workers', '2']);
  });

  after(async () => {
    serve.kill();
    await serve.exited;
    await Promise.all([blue.close(), green.close(), folder.remove()]);
  });

  test('both workers serve, and /metrics counts every request from both as valid Prometheus text', async () => {
    assert.equal((await serve.workerPids()).size, 2);
    const before = await serve.metrics();
    const names = await untilEveryWorkerAnswers();
    assert.ok(names.every((name) => name === 'blue'));
    assert.equal((await request({ port, host: 'other.example' })).status, 404);

    await eventually(async () => {
      const metrics = await serve.metrics();
      const labels = { gateway: 'default/gw', port: String(port), status_class: '2xx', error: '' };
      const answered = (m: typeof metrics): number => m.sum('portico_http_requests_total', labels);
      assert.equal(answered(metrics) - answered(before), names.length);
      assert.equal(metrics.sum('portico_http_request_duration_seconds_count', labels), answered(metrics));
      assert.equal(metrics.sum('portico_http_requests_total', { status_class: '4xx', error: 'route_not_found' }), 1);
      assert.equal(metrics.sum('portico_worker_requests_total'), metrics.sum('portico_http_requests_total'));
      assert.equal(metrics.types.get('portico_http_request_duration_seconds'), 'histogram');
      assert.equal(metrics.sum('portico_config_reloads_total', { result: 'success' }), 1);
    });
  });

  test('portico_connections_active counts the client connections open on the port, over both workers, with its Gateway', async () => {
    const labels = { gateway: 'default/gw', port: String(port), kind: 'http' };
    const open = async (): Promise<number> => (await serve.metrics()).sum('portico_connections_active', labels);
    const before = await open();
    const sockets = await Promise.all(Array.from({ length: 6 }, () => new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    })));
    try {
      await eventually(async () => assert.equal(await open(), before + 6));
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await eventually(async () => assert.equal(await open(), before));
  });

  test('a reload reaches every worker', async () => {
    const { version: before } = await version();
    await folder.write('route.yaml', routeTo('green'));
    await eventually(async () => assert.ok((await version()).version > before), { timeoutMs: 10_000 });
    assert.equal(await serve.readyz(), 200);
    const names = await untilEveryWorkerAnswers();
    assert.deepEqual([...new Set(names)], ['green']);
  });

  test('a configuration the workers cannot apply keeps every worker on the last good one', async () => {
    const taken: Server = createServer();
    const takenPort = await freePort();
    await new Promise<void>((resolve) => taken.listen(takenPort, '127.0.0.1', resolve));
    try {
      const failuresBefore = (await serve.metrics()).sum('portico_config_reloads_total', { result: 'failure' });
      await folder.write('gateway.yaml', gatewayYaml(takenPort));
      await eventually(async () => {
        assert.equal((await serve.metrics()).sum('portico_config_reloads_total', { result: 'failure' }), failuresBefore + 1);
      }, { timeoutMs: 10_000 });
      assert.match((await version()).lastError ?? '', new RegExp(`${takenPort}.*EADDRINUSE`));
      assert.equal(await serve.readyz(), 200, 'every worker still serves the configuration the loop reports');
      assert.deepEqual([...new Set(await untilEveryWorkerAnswers())], ['green']);
    } finally {
      taken.close();
    }
    await folder.write('gateway.yaml', gatewayYaml());
    await eventually(async () => assert.equal((await version()).lastError, undefined), { timeoutMs: 10_000 });
  });

  test('a killed worker is replaced and catches up while the other serves; no request fails', async () => {
    const pids = await serve.workerPids();
    const victim = pids.get('0') as number;
    process.kill(victim, 'SIGKILL');
    // Connections the kernel had already queued to the dying process die with
    // it; once its sockets are closed, every new connection goes to the other.
    await processGone(victim);

    let sawNotReady = false;
    let served = 0;
    for (let i = 0; i < 400; i++) {
      const response = await request({ port, host: HOST }).catch((error: unknown) => assert.fail(`request ${i} after the kill: ${String(error)}`));
      assert.equal(response.status, 200, `request ${i} during the restart: ${response.body}`);
      assert.equal(response.json<{ name: string }>().name, 'green');
      served++;
      if ((await serve.readyz().catch((error: unknown) => assert.fail(`readyz ${i}: ${String(error)}`))) !== 200) sawNotReady = true;
      else if (sawNotReady) break;
    }
    assert.ok(sawNotReady, '/readyz answers 503 while a worker is missing');
    assert.ok(served > 1);

    const now = await serve.workerPids();
    assert.equal(now.get('1'), pids.get('1'), 'the other worker kept running');
    assert.notEqual(now.get('0'), victim);
    const metrics = await serve.metrics();
    assert.equal(metrics.sum('portico_worker_restarts_total', { worker: '0' }), 1);
    assert.equal(metrics.sum('portico_worker_up'), 2);
    // The new worker serves the current configuration (green), not the first one.
    assert.deepEqual([...new Set(await untilEveryWorkerAnswers())], ['green']);
    assert.match(serve.output(), /worker exited; restarting it/);
  });
});
