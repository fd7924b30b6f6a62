// apply() is atomic: a port that cannot be bound changes nothing; kept ports
// keep their sockets and connections; removed ports stop accepting and let
// in-flight requests finish; requests keep the configuration they started
// with; continuous traffic sees no failure while configurations swap.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IR } from '../../src/ir/types.ts';
import { BindError, DataPlane } from '../../src/dataplane/runtime.ts';
import { silentLogger } from '../../src/telemetry/log.ts';
import { backend, buildIR, closed, freePort, get, rawSocket, rule, startBackend, statusLines, to } from './helpers.ts';
import type { TestBackend } from './helpers.ts';

function merge(...irs: IR[]): IR {
  return { gateways: irs.flatMap((ir) => ir.gateways) };
}

describe('reloads', () => {
  let blue: TestBackend;
  let green: TestBackend;
  let dataPlane: DataPlane;

  const config = (port: number, color: 'blue' | 'green', gateway = 'gw'): IR => buildIR(port, [
    { path: { type: 'PathPrefix', value: '/slow' }, rule: rule(`slow-${color}`, { backends: [to(color)] }) },
    { path: { type: 'PathPrefix', value: `/${color}` }, rule: rule(color, { backends: [to(color)] }) },
    { path: { type: 'PathPrefix', value: '/' }, rule: rule(`any-${color}`, { backends: [to(color)] }) },
  ], [backend('blue', [blue.port]), backend('green', [green.port])], gateway);

  before(async () => {
    blue = await startBackend((req, res) => setTimeout(() => res.end(`blue ${req.url}`), req.url?.startsWith('/slow') === true ? 300 : 0));
    green = await startBackend((req, res) => setTimeout(() => res.end(`green ${req.url}`), req.url?.startsWith('/slow') === true ? 300 : 0));
  });
  after(async () => {
    await blue.close();
    await green.close();
  });

  it('refuses a configuration whose port cannot be bound, and keeps serving the old one', async () => {
    dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger() });
    const port = await freePort();
    await dataPlane.apply(config(port, 'blue'));
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const taken = (blocker.address() as { port: number }).port;
    const third = await freePort();
    try {
      await assert.rejects(dataPlane.apply(merge(config(port, 'green'), config(third, 'green', 'g3'), config(taken, 'green', 'g2'))), (error: unknown) => {
        assert.ok(error instanceof BindError);
        assert.equal(error.port, taken);
        assert.equal(error.errno, 'EADDRINUSE');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${taken}: EADDRINUSE`));
        return true;
      });
      assert.equal((await get(port, '/x')).body, 'blue /x', 'the old configuration still serves');
      assert.deepEqual(dataPlane.listening().map((l) => l.port), [port]);
      await assert.rejects(get(third, '/x'), 'a port bound for the refused configuration was given back');
    } finally {
      blocker.close();
      await dataPlane.close({ drainTimeoutMs: 500 });
    }
  });

  it('keeps connections on kept ports, binds added ports, drains removed ones', async () => {
    dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger() });
    const kept = await freePort();
    const removed = await freePort();
    await dataPlane.apply(merge(config(kept, 'blue'), config(removed, 'blue', 'old')));
    const keptSocket = await rawSocket(kept);
    const removedSocket = await rawSocket(removed);
    try {
      keptSocket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
      await keptSocket.waitFor('blue /a');
      removedSocket.write('GET /slow/in-flight HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the request is at the backend

      const added = await freePort();
      const result = await dataPlane.apply(merge(config(kept, 'green'), config(added, 'green', 'new')));
      assert.deepEqual(result, { added: [added], removed: [removed], kept: [kept], changed: [] });

      keptSocket.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
      await keptSocket.waitFor('green /b');
      assert.deepEqual(statusLines(keptSocket.received()), [200, 200], 'same connection, new configuration');
      assert.equal((await get(added, '/c')).body, 'green /c');

      await removedSocket.waitFor('blue /slow/in-flight');
      assert.match(removedSocket.received(), /connection: close\r\n/);
      await closed(removedSocket);
      await assert.rejects(get(removed, '/d'), 'the removed port no longer accepts');
    } finally {
      keptSocket.destroy();
      removedSocket.destroy();
      await dataPlane.close({ drainTimeoutMs: 500 });
    }
  });

  it('serves continuous traffic without a failure while configurations swap, each request on the one it started with', async () => {
    dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger() });
    const port = await freePort();
    await dataPlane.apply(config(port, 'blue'));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const one = (path: string): Promise<string> => new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { host: 'x' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
      });
      req.on('error', reject);
      req.end();
    });
    const client = async (): Promise<void> => {
      while (!stop) {
        try {
          const body = await one('/any');
          if (!/^(blue|green) \/any$/.test(body)) failures.push(body);
          ok++;
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 6 }, () => client());
    try {
      // A slow request started on "blue" must finish on blue after the swaps.
      const inFlight = one('/slow/started-on-blue');
      while (!blue.seen.some((r) => r.url === '/slow/started-on-blue')) await new Promise((resolve) => setTimeout(resolve, 5));
      for (let i = 0; i < 40; i++) {
        await dataPlane.apply(config(port, i % 2 === 0 ? 'green' : 'blue'));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(await inFlight, 'blue /slow/started-on-blue');
      await dataPlane.apply(config(port, 'green'));
      assert.equal(await one('/slow/after'), 'green /slow/after');
    } finally {
      stop = true;
      await Promise.all(clients);
      agent.destroy();
      await dataPlane.close({ drainTimeoutMs: 500 });
    }
    assert.deepEqual(failures, []);
    assert.ok(ok > 40, `requests kept flowing (${ok})`);
  });
});

describe('reusePort', () => {
  it('lets several data planes (one per worker) serve the same port', async () => {
    const be = await startBackend((_req, res) => res.end('shared'));
    const port = await freePort();
    const ir = buildIR(port, [{ rule: rule('r', { backends: [to('b')] }) }], [backend('b', [be.port])]);
    const first = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger(), reusePort: true });
    const second = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger(), reusePort: true });
    try {
      await first.apply(ir);
      await second.apply(ir);
      assert.equal((await get(port, '/')).body, 'shared');
      await first.close({ drainTimeoutMs: 200 });
      assert.equal((await get(port, '/')).body, 'shared', 'the other worker still serves');
    } finally {
      await first.close();
      await second.close({ drainTimeoutMs: 200 });
      await be.close();
    }
  });
});
