// Stopping `portico serve --workers 2` with requests in flight on both workers:
// SIGTERM to the primary, and Ctrl-C (SIGINT to the whole process group, which
// reaches the workers directly too). Every request finishes, each worker drains
// and exits, the primary exits 0, and the access log has one line per request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { backend, configDir, gateway, gatewayClass, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort, request } from '../support/net.ts';
import { jsonLines, startServe } from './serve-process.ts';

/** Enough concurrent connections that both workers get some (all on one: 2^-23). */
const IN_FLIGHT = 24;

const cases: { name: string; signal: NodeJS.Signals; group: boolean }[] = [
  { name: 'SIGTERM to the primary', signal: 'SIGTERM', group: false },
  { name: 'Ctrl-C: SIGINT to the process group', signal: 'SIGINT', group: true },
];

describe('stopping portico serve --workers 2', () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEcho({ host: '127.0.0.1', name: 'app' });
  });
  after(() => echo.close());

  for (const { name, signal, group } of cases) {
    test(`${name}: requests in flight on both workers finish, then every process exits (0)`, async () => {
      const port = await freePort();
      const folder = await configDir({
        'all.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port }] }), ...backend('app', echo.port), httpRoute('app', { rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] })),
      });
      const serve = await startServe(folder.dir, ['--workers', '2', '--access-log', '--drain-timeout', '5000']);
      try {
        const workers = [...(await serve.workerPids()).values()];
        const seenBefore = echo.requests;
        const slow = Array.from({ length: IN_FLIGHT }, (_, i) => request({ port, path: `/slow/${i}`, headers: { 'x-echo-delay-ms': '500' } }));
        await eventually(() => assert.equal(echo.requests - seenBefore, IN_FLIGHT), { timeoutMs: 5_000 });

        process.kill(group ? -(serve.child.pid as number) : (serve.child.pid as number), signal);
        const responses = await Promise.all(slow);
        assert.deepEqual(responses.map((response) => response.status), Array.from({ length: IN_FLIGHT }, () => 200));
        assert.equal(await serve.exited, 0, serve.output());

        const lines = jsonLines(serve.output());
        const stopped = lines.filter((line) => line.msg === 'worker stopped').map((line) => line.pid);
        assert.deepEqual(stopped.sort(), workers.sort(), 'both workers drained and stopped');
        const accessLines = lines.filter((line) => line.log === 'access');
        assert.equal(accessLines.length, IN_FLIGHT, 'one access log line per request, all written before exit');
        const first = accessLines[0] as Record<string, unknown>;
        assert.equal(first.method, 'GET');
        assert.equal(first.status, 200);
        assert.equal(first.port, port);
        assert.equal(first.rule, 'httproute/default/app/rule/0');
        assert.equal(first.endpoint, `127.0.0.1:${echo.port}`);
        assert.ok(Number(first.durationMs) >= 500);
        assert.ok(!Number.isNaN(Date.parse(String(first.time))), 'an ISO timestamp');
      } finally {
        serve.kill();
        await folder.remove();
      }
    });
  }
});
