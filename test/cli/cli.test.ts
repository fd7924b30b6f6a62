// The command line as users run it: `portico check`, `explain` and `serve` as
// child processes (bin/portico.js), their output and exit codes, and serve's
// admin endpoint and graceful stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { backend, configDir, gateway, gatewayClass, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort, request } from '../support/net.ts';

const bin = fileURLToPath(new URL('../../bin/portico.js', import.meta.url));
const quickstart = fileURLToPath(new URL('../../examples/quickstart/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function portico(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('portico check', () => {
  test('the quickstart example is all Accepted: table output, exit 0', async () => {
    const run = await portico(['check', '--config', quickstart]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Gateway\s+default\/quickstart\s+Accepted=True, Programmed=True/);
    assert.match(run.stdout, /HTTPRoute\s+default\/store → quickstart\s+Accepted=True, ResolvedRefs=True/);
  });

  test('--output json is a list of {apiVersion, kind, metadata, status}', async () => {
    const run = await portico(['check', '--config', quickstart, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const statuses = JSON.parse(run.stdout) as { apiVersion: string; kind: string; metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[];
    const gatewayStatus = statuses.find((s) => s.kind === 'Gateway');
    assert.equal(gatewayStatus?.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.equal(gatewayStatus?.metadata.name, 'quickstart');
    assert.equal(gatewayStatus?.status.conditions?.find((c) => c.type === 'Programmed')?.status, 'True');
    assert.deepEqual([...new Set(statuses.map((s) => s.kind))].sort(), ['Gateway', 'GatewayClass', 'HTTPRoute']);
  });

  test('an unresolved backend and an invalid object make check exit 1 and say why', async () => {
    const folder = await configDir({
      'gateway.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port: 8080 }] })),
      'routes.yaml': toYaml(httpRoute('missing-backend', { rules: [{ backendRefs: [{ name: 'nope', port: 80 }] }] })),
      'bad.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: bad\nspec:\n  rules:\n    - matches:\n        - path:\n            type: Exact\n            value: relative\n',
    });
    try {
      const run = await portico(['check', '--config', folder.dir]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /HTTPRoute default\/missing-backend → default\/gw.*ResolvedRefs=False \(BackendNotFound\)/);
      assert.match(run.stderr, /bad\.yaml:10: HTTPRoute default\/bad: spec\.rules\[0\]\.matches\[0\]\.path\.value/);
    } finally {
      await folder.remove();
    }
  });

  test('usage errors exit 2', async () => {
    const run = await portico(['check']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--config is required/);
  });
});

describe('portico explain', () => {
  test('names the virtual host, each candidate match and why it failed, and the backend', async () => {
    const run = await portico(['explain', '--config', quickstart, 'GET', 'http://web.example.com:8080/api/items']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /host "web\.example\.com" → web\.example\.com \(exact match\)/);
    assert.match(run.stdout, /httproute\/default\/web\/rule\/1 \(Exact \/old\): path \/api\/items is not Exact \/old/);
    assert.match(run.stdout, /httproute\/default\/web\/rule\/0 \(PathPrefix \/api\): MATCHED/);
    assert.match(run.stdout, /100% → service\/default\/api\/80 \[127\.0\.0\.1:9102\]/);
  });

  test('a header decides between rules', async () => {
    const run = await portico(['explain', '--config', quickstart, '-H', 'x-canary: always', 'http://store.example.com:8080/']);
    assert.match(run.stdout, /100% → service\/default\/store-v2\/80/);
    const without = await portico(['explain', '--config', quickstart, 'http://store.example.com:8080/']);
    assert.match(without.stdout, /header x-canary: absent, wanted Exact "always"/);
    assert.match(without.stdout, /90% → service\/default\/store-v1\/80/);
  });

  test('says when a backend is reached over TLS (BackendTLSPolicy), and when its policy is unusable', async () => {
    const tlsPolicy = (name: string, validation: Record<string, unknown>) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'BackendTLSPolicy',
      metadata: { name, namespace: 'default' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name }], validation },
    });
    const folder = await configDir({
      'gateway.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port: 8080 }] })),
      'backends.yaml': toYaml(...backend('public', 9443), ...backend('broken', 9444)),
      'policies.yaml': toYaml(
        tlsPolicy('public', { wellKnownCACertificates: 'System', hostname: 'api.example.com' }),
        tlsPolicy('broken', { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'missing' }], hostname: 'broken.example.com' }),
      ),
      'routes.yaml': toYaml(
        httpRoute('public', { hostnames: ['public.example.com'], rules: [{ backendRefs: [{ name: 'public', port: 80 }] }] }),
        httpRoute('broken', { hostnames: ['broken.example.com'], rules: [{ backendRefs: [{ name: 'broken', port: 80 }] }] }),
      ),
    });
    try {
      const ok = await portico(['explain', '--config', folder.dir, 'http://public.example.com:8080/']);
      assert.match(ok.stdout, /100% → service\/default\/public\/80 \[127\.0\.0\.1:9443\] over TLS \(SNI api\.example\.com, certificate for api\.example\.com from the system roots\)/);
      const broken = await portico(['explain', '--config', folder.dir, 'http://broken.example.com:8080/']);
      assert.match(broken.stdout, /over TLS, unusable: no valid CA certificate: .*missing: not found \(503\)/);
    } finally {
      await folder.remove();
    }
  });
});

describe('portico serve', () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEcho({ host: '127.0.0.1', name: 'app' });
  });
  after(() => echo.close());

  test('serves, reports ready, and on SIGTERM finishes in-flight requests before exiting 0', async () => {
    const port = await freePort();
    const adminPort = await freePort();
    const folder = await configDir({
      'all.yaml': toYaml(gatewayClass(), gateway({ listeners: [{ name: 'http', port }] }), ...backend('app', echo.port), httpRoute('app', { rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] })),
    });
    const child = spawn(process.execPath, [bin, 'serve', '--config', folder.dir, '--bind-address', '127.0.0.1', '--admin-port', String(adminPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await eventually(async () => assert.equal((await request({ port: adminPort, path: '/readyz' })).status, 200), { timeoutMs: 15_000 });
      assert.equal((await request({ port })).json().name, 'app');
      const status = await request({ port: adminPort, path: '/status' });
      assert.ok(status.json<unknown[]>().length >= 3);

      const slow = request({ port, headers: { 'x-echo-delay-ms': '500' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGTERM');
      assert.equal((await slow).status, 200, 'the in-flight request finishes during the drain');
      assert.equal(await exited, 0, logs);
      assert.match(logs, /configuration loaded/);
      assert.match(logs, /draining/);
    } finally {
      child.kill('SIGKILL');
      await folder.remove();
    }
  });
});
