// Change without errors, end to end at a small size (the `npm run
// bench:change` parts that can be wrong without timing anything), against
// `portico serve --workers 2` as users run it:
// - 100 route edits (backend swaps, weight changes, match changes), each a
//   plain write of the file (truncate, then write), under steady keep-alive
//   traffic: no request fails, no connection resets, and a WebSocket opened
//   before the edits keeps echoing through all of them;
// - endpoint churn: once Portico reports the new configuration, no request
//   reaches an endpoint that was taken out, and none fails meanwhile;
// - 100 routes added in batches: attachedRoutes counts them all, and the
//   status writes are about one per object, not one per object per reload.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWebSocketExchange } from '../../bench/change/streams.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { backend, configDir, gateway, gatewayClass, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort, request } from '../support/net.ts';
import { jsonLines, startServe } from '../workers/serve-process.ts';
import type { ServeProcess } from '../workers/serve-process.ts';

const HOST = 'app.example';

interface Steady {
  stop(): Promise<{ ok: number; failed: string[]; names: string[] }>;
}

/** Keep-alive GETs on `connections` connections, back to back, until stopped; nothing is retried. */
function steadyTraffic(port: number, path: string, connections: number, headers: Record<string, string> = {}): Steady {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const names: string[] = [];
  const loop = async (): Promise<void> => {
    while (running) {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, host: '127.0.0.1', path, headers: { host: HOST, ...headers }, agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            if (res.statusCode === 200) {
              ok++;
              names.push((JSON.parse(body) as { name: string }).name);
            } else failed.push(`status ${res.statusCode}`);
            resolve();
          });
        });
        req.on('error', (error) => {
          failed.push(error.message);
          resolve();
        });
        req.end();
      });
    }
  };
  const loops = Array.from({ length: connections }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return { ok, failed, names };
    },
  };
}

describe('changes under traffic, portico serve --workers 2', () => {
  const echoes: EchoServer[] = [];
  let port: number;
  let folder: Awaited<ReturnType<typeof configDir>>;
  let serve: ServeProcess;

  const version = async (): Promise<number> => (await request({ port: serve.adminPort, path: '/config' })).json<{ version: number }>().version;
  /** Writes a file in place (truncate, then write: what `>` or a plain save does) and waits until Portico serves a newer version. */
  const writeAndApply = async (name: string, text: string): Promise<void> => {
    const before = await version();
    await writeFile(join(folder.dir, name), text);
    await eventually(async () => assert.ok((await version()) > before, `version still ${before} after writing ${name}`), { timeoutMs: 10_000, intervalMs: 5 });
  };
  const echo = (i: number): EchoServer => echoes[i] as EchoServer;

  before(async () => {
    for (const name of ['blue', 'green', 'ws', 'e0', 'e1', 'e2']) echoes.push(await startEcho({ host: '127.0.0.1', name }));
    port = await freePort();
    folder = await configDir({
      'gateway.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port }] })),
      'backends.yaml': toYaml(...backend('blue', echo(0).port), ...backend('green', echo(1).port), ...backend('ws', echo(2).port)),
      'ws.yaml': toYaml(httpRoute('ws', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/ws' } }], backendRefs: [{ name: 'ws', port: 80 }] }] })),
    });
    serve = await startServe(folder.dir, ['--workers', '2']);
  });

  after(async () => {
    serve.kill();
    await serve.exited;
    await Promise.all([...echoes.map((e) => e.close()), folder.remove()]);
  });

  test('100 route edits under steady traffic: no request fails or resets, and a WebSocket keeps echoing throughout', async () => {
    // Every version of the route accepts GET /app/item with x-steady: yes.
    const matches = [
      [{ path: { type: 'PathPrefix', value: '/app' } }],
      [{ path: { type: 'PathPrefix', value: '/app' }, headers: [{ name: 'x-steady', value: 'yes' }] }],
      [{ path: { type: 'Exact', value: '/app/item' } }, { path: { type: 'PathPrefix', value: '/other' } }],
    ];
    const backends = [[{ name: 'blue', port: 80 }], [{ name: 'blue', port: 80, weight: 50 }, { name: 'green', port: 80, weight: 50 }], [{ name: 'green', port: 80 }]];
    const appRoute = (i: number): string => toYaml(httpRoute('app', { hostnames: [HOST], rules: [{ matches: matches[Math.floor(i / 3) % 3], backendRefs: backends[i % 3] }] }));
    await writeAndApply('app.yaml', appRoute(0));
    // The WebSocket client sends Host: 127.0.0.1:<port>, so its route names no hostname.
    const webSocket = await startWebSocketExchange(`ws://127.0.0.1:${port}/ws/echo`, 10);
    const traffic = steadyTraffic(port, '/app/item', 4, { 'x-steady': 'yes' });
    for (let i = 1; i <= 100; i++) {
      await writeAndApply('app.yaml', appRoute(i));
      // Every tenth edit also changes the WebSocket's own route.
      if (i % 10 === 0) await writeAndApply('ws.yaml', toYaml(httpRoute('ws', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/ws' } }], filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-edit', value: String(i) }] } }], backendRefs: [{ name: 'ws', port: 80 }] }] })));
    }
    const result = await traffic.stop();
    const tally = await webSocket.stop();
    assert.deepEqual(result.failed, [], 'failed requests');
    assert.ok(result.ok > 100, `only ${result.ok} requests answered`);
    assert.ok(result.names.includes('blue') && result.names.includes('green'), 'the edits moved traffic between the backends');
    assert.deepEqual({ disconnects: tally.disconnects, errors: tally.errors }, { disconnects: 0, errors: [] });
    assert.ok(tally.sent > 10 && tally.echoed === tally.sent, `${tally.echoed} of ${tally.sent} WebSocket messages echoed`);
  });

  test('endpoint churn: once the new configuration is reported, no request reaches a removed endpoint, and none fails', async () => {
    const pool = [{ echo: echo(3), name: 'e0' }, { echo: echo(4), name: 'e1' }, { echo: echo(5), name: 'e2' }];
    const slices = (members: typeof pool): string => toYaml(...backend('pool', members.map((member) => member.echo.port)));
    await writeAndApply('pool.yaml', slices(pool.slice(0, 2)));
    await writeAndApply('pool-route.yaml', toYaml(httpRoute('pool', { hostnames: [HOST], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/pool' } }], backendRefs: [{ name: 'pool', port: 80 }] }] })));
    const background = steadyTraffic(port, '/pool', 2);
    try {
      for (let step = 0; step < 6; step++) {
        // Two of the three serve at a time: each step takes one out and puts the idle one in.
        const members = [pool[(step + 1) % 3], pool[(step + 2) % 3]] as typeof pool;
        const removed = pool[step % 3] as (typeof pool)[number];
        await writeAndApply('pool.yaml', slices(members));
        // Requests sent from now on (both workers serve the reported version) must all avoid the removed endpoint.
        const after = steadyTraffic(port, '/pool', 2);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const answered = await after.stop();
        assert.deepEqual(answered.failed, []);
        assert.ok(answered.names.length > 0, 'requests were answered');
        assert.deepEqual(answered.names.filter((name) => name === removed.name), [], `step ${step}: answered by the removed endpoint`);
        assert.deepEqual([...new Set(answered.names)].sort(), members.map((member) => member.name).sort().filter((name) => answered.names.includes(name)));
      }
    } finally {
      const result = await background.stop();
      assert.deepEqual(result.failed, [], 'failed requests during the churn');
    }
  });

  test('100 routes added in batches of 10: attachedRoutes counts each, and status writes stay about one per object', async () => {
    const logLines = (): Record<string, unknown>[] => jsonLines(serve.output()).filter((line) => line.msg === 'configuration reloaded');
    const reloadsBefore = logLines().length;
    const attached = async (): Promise<number> => {
      const statuses = (await request({ port: serve.adminPort, path: '/status' })).json<{ kind: string; status: { listeners?: { attachedRoutes: number }[] } }[]>();
      return statuses.find((s) => s.kind === 'Gateway')?.status.listeners?.[0]?.attachedRoutes ?? -1;
    };
    const start = await attached();
    for (let batch = 0; batch < 10; batch++) {
      const routes = Array.from({ length: 10 }, (_, k) => httpRoute(`many-${batch * 10 + k}`, { hostnames: [HOST], rules: [{ matches: [{ path: { type: 'PathPrefix', value: `/many/${batch * 10 + k}` } }], backendRefs: [{ name: 'blue', port: 80 }] }] }));
      await writeAndApply(`many-${batch}.yaml`, toYaml(...routes));
    }
    assert.equal(await attached(), start + 100);
    const answer = await request({ port, host: HOST, path: '/many/99' });
    assert.equal(answer.status, 200);
    const reloads = logLines().slice(reloadsBefore);
    const writes = reloads.reduce((sum, line) => sum + Number(line.statusesWritten ?? 0), 0);
    // Each new route once, plus the Gateway (its attachedRoutes changed) once per reload.
    assert.ok(writes >= 100 && writes <= 100 + reloads.length, `${writes} status writes over ${reloads.length} reloads for 100 new routes`);
  });
});
