// `portico echo` as a user runs it: starts, answers with its identity, stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { request } from '../support/net.ts';
import { createPki, opensslMissing } from './certs.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/portico.js', 'echo', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  /** Resolves with the port from the "echo listening" log line. */
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo did not start within 10 s; output:\n${output}`)), 10_000);
    const look = (): void => {
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', look);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`echo exited early; output:\n${output}`));
    });
  });
  return { child, listening, output: () => output };
}

test('portico echo answers with the identity from its flags and environment, and exits 0 on SIGTERM', async () => {
  const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--name', 'cli-echo'], { NAMESPACE: 'ns1', POD_NAME: 'cli-echo-abc', SERVICE_NAME: 'svc' });
  try {
    const port = await cli.listening;
    const seen = (await request({ port, path: '/hi' })).json<RequestDescription>();
    assert.deepEqual([seen.path, seen.name, seen.namespace, seen.pod, seen.service], ['/hi', 'cli-echo', 'ns1', 'cli-echo-abc', 'svc']);
  } finally {
    cli.child.kill('SIGTERM');
  }
  const [code] = (await once(cli.child, 'exit')) as [number | null];
  assert.equal(code, 0, cli.output());
});

test('portico echo rejects a bad port with usage and exit code 2', async () => {
  const cli = startCli(['--port', 'seventy']);
  cli.listening.catch(() => undefined);
  const [code] = (await once(cli.child, 'exit')) as [number | null];
  assert.equal(code, 2);
  assert.match(cli.output(), /--port must be a port number/);
  assert.match(cli.output(), /usage: portico echo/);
});

test('portico echo --tls-cert/--tls-key serves HTTPS; one without the other is a usage error', { skip: opensslMissing() }, async () => {
  const pki = await createPki();
  const dir = await mkdtemp(join(tmpdir(), 'portico-echo-cli-'));
  try {
    const leaf = await pki.issue('echo.example');
    await writeFile(join(dir, 'cert.pem'), leaf.cert);
    await writeFile(join(dir, 'key.pem'), leaf.key);

    const lonely = startCli(['--port', '0', '--tls-cert', join(dir, 'cert.pem')]);
    lonely.listening.catch(() => undefined);
    assert.equal(((await once(lonely.child, 'exit')) as [number | null])[0], 2);
    assert.match(lonely.output(), /--tls-cert and --tls-key go together/);

    const cli = startCli(['--port', '0', '--bind', '127.0.0.1', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
    try {
      const port = await cli.listening;
      const serverName = await new Promise<string | undefined>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, ca: pki.ca.cert, servername: 'echo.example', agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve((JSON.parse(body) as RequestDescription).tls?.serverName));
        });
        req.on('error', reject).end();
      });
      assert.equal(serverName, 'echo.example');
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(((await once(cli.child, 'exit')) as [number | null])[0], 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await pki.remove();
  }
});
