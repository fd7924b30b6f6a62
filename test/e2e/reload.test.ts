// Live reload end to end: edits under steady traffic fail no request, a file
// that stops parsing or an object that turns invalid keeps the last good
// configuration serving, and fixing it applies the fix.
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Harness } from '../support/harness.ts';
import { ref, startHarness } from '../support/harness.ts';
import { httpRoute, toYaml } from '../support/manifests.ts';
import { eventually } from '../support/net.ts';

/** Keep-alive GETs on a few connections until stopped; counts answers by status and errors. */
function steadyTraffic(port: number, connections: number): { stop(): Promise<{ ok: number; failed: string[] }> } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const loop = async (): Promise<void> => {
    while (running) {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, host: '127.0.0.1', path: '/steady', headers: { host: 'example.com' }, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ok++;
            else failed.push(`status ${res.statusCode}`);
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
      return { ok, failed };
    },
  };
}

describe('live reload', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backends: ['blue', 'green'], routes: [httpRoute('app', { rules: [{ backendRefs: [ref('blue')] }] })] });
  });
  after(() => harness.close());

  test('30 route edits under steady keep-alive traffic fail no request', async () => {
    const traffic = steadyTraffic(harness.port, 4);
    for (let i = 0; i < 30; i++) {
      const weights = i % 3 === 0 ? [1, 0] : i % 3 === 1 ? [0, 1] : [50, 50];
      await harness.setRoutes(
        httpRoute('app', {
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: i % 2 === 0 ? '/' : '/steady' } }], backendRefs: [ref('blue', { weight: weights[0] }), ref('green', { weight: weights[1] })] },
          ],
        }),
      );
    }
    const { ok, failed } = await traffic.stop();
    assert.deepEqual(failed, [], `failed requests during reloads (${ok} succeeded)`);
    assert.ok(ok > 30, `too little traffic to prove anything: ${ok}`);
  });

  test('a file that stops parsing keeps its last good objects; fixing it applies', async () => {
    await harness.setRoutes(httpRoute('app', { rules: [{ backendRefs: [ref('green')] }] }));
    assert.equal((await harness.echo({ path: '/' })).name, 'green');
    await harness.write('routes.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: app\n  broken: [');
    assert.equal((await harness.echo({ path: '/' })).name, 'green', 'the broken file must not take the route away');
    assert.ok(harness.portico.loop.state.diagnostics.some((d) => d.file === 'routes.yaml'), 'the broken file is reported');

    await harness.setRoutes(httpRoute('app', { rules: [{ backendRefs: [ref('blue')] }] }));
    assert.equal((await harness.echo({ path: '/' })).name, 'blue');
  });

  test('an object that turns invalid keeps its last valid version, reported with file and field', async () => {
    await harness.setRoutes(httpRoute('app', { rules: [{ backendRefs: [ref('blue', { weight: 2 })] }] }));
    const invalid = httpRoute('app', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'no-leading-slash' } }], backendRefs: [ref('green')] }] });
    await harness.write('routes.yaml', toYaml(invalid));
    assert.equal((await harness.echo({ path: '/' })).name, 'blue');
    const diagnostic = harness.portico.loop.state.diagnostics.find((d) => d.severity === 'error');
    assert.ok(diagnostic, 'the invalid object is reported');
    assert.equal(diagnostic.file, 'routes.yaml');
    assert.equal(diagnostic.field, 'spec.rules[0].matches[0].path.value');
  });

  test('a removed route stops being served', async () => {
    await harness.setRoutes(httpRoute('app', { hostnames: ['kept.example'], rules: [{ backendRefs: [ref('blue')] }] }));
    await eventually(async () => assert.equal((await harness.send({ host: 'example.com' })).status, 404));
    assert.equal((await harness.echo({ host: 'kept.example' })).name, 'blue');
  });
});
