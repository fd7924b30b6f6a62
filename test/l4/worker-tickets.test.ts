// TLS session tickets across worker processes: the primary hands every worker
// the same ticket secret, so a client that kept its session resumes whichever
// worker the kernel (SO_REUSEPORT) gives its next connection to, a restarted
// worker included. Real workers (src/workers/worker-main.ts) serving an HTTPS
// port; the workers' request counts say that both answered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IR, IRCertificate } from '../../src/ir/types.ts';
import { memoryLogger } from '../../src/telemetry/log.ts';
import { WorkerPool } from '../../src/workers/pool.ts';
import { opensslMissing } from '../echo/certs.ts';
import { eventually, freePort } from '../support/net.ts';
import { processGone } from '../workers/serve-process.ts';
import { createPki, irCertificate } from './pki.ts';
import type { Pki } from './pki.ts';
import { tlsExchange, tlsPort, tlsServer } from './tls-fixtures.ts';

// SO_REUSEPORT hashes each new connection to a worker: 24 leave both unhit with a chance of 2 in 2^24.
const CONNECTIONS = 24;

describe('TLS session tickets across workers', { skip: opensslMissing() }, () => {
  let pki: Pki;
  let certificates: Record<string, IRCertificate>;

  before(async () => {
    pki = await createPki();
    const authority = await pki.authority('Worker Tickets CA');
    certificates = { 'secret/default/site': irCertificate(await authority.issue('site.example.com')) };
  });
  after(() => pki.remove());

  function httpsIr(port: number): IR {
    const listening = { ...tlsPort([tlsServer('site.example.com', 'http', ['secret/default/site'])]), port };
    return { gateways: [{ name: 'gateway/default/gw', namespace: 'default', gatewayName: 'gw', ports: [listening], backends: {}, certificates }] };
  }

  /** `CONNECTIONS` new connections offering `session`: whether each resumed, and the requests each worker answered meanwhile. */
  async function reconnect(workers: WorkerPool, port: number, maxVersion: 'TLSv1.3' | 'TLSv1.2', session: Buffer | undefined): Promise<{ reused: boolean[]; perWorker: number[] }> {
    await workers.telemetry();
    const before = workers.workers().map((worker) => worker.requests);
    const reused: boolean[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const outcome = await tlsExchange(port, { servername: 'site.example.com', maxVersion, session, send: 'GET / HTTP/1.1\r\nHost: site.example.com\r\nConnection: close\r\n\r\n' });
      assert.match(outcome.text, /^HTTP\/1\.1 404 /, `answered over the resumed connection: ${JSON.stringify(outcome)}`);
      reused.push(outcome.sessionReused);
    }
    await workers.telemetry();
    return { reused, perWorker: workers.workers().map((worker, i) => worker.requests - (before[i] ?? 0)) };
  }

  function twoWorkers(ticketRotationMs?: number): WorkerPool {
    return new WorkerPool({
      count: 2,
      logger: memoryLogger(),
      execArgv: [],
      worker: { bindAddress: '127.0.0.1', metrics: true, routeMetrics: false, accessLog: false, drainTimeoutMs: 1_000 },
      ...(ticketRotationMs === undefined ? {} : { ticketRotationMs }),
    });
  }

  test('every reconnection resumes, whichever of two workers takes it, also after a worker restarts', async () => {
    const port = await freePort();
    const workers = twoWorkers();
    await workers.start();
    try {
      await workers.apply(httpsIr(port));
      const sessions = new Map<'TLSv1.3' | 'TLSv1.2', Buffer | undefined>();
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        const first = await tlsExchange(port, { servername: 'site.example.com', maxVersion, send: 'GET / HTTP/1.1\r\nHost: site.example.com\r\nConnection: close\r\n\r\n' });
        assert.ok(first.session, `${maxVersion}: the first connection got a session ticket`);
        sessions.set(maxVersion, first.session);
        const spread = await reconnect(workers, port, maxVersion, first.session);
        assert.deepEqual(spread.reused, spread.reused.map(() => true), `${maxVersion}: every reconnection resumed`);
        assert.ok(spread.perWorker.every((count) => count > 0), `${maxVersion}: both workers answered (${spread.perWorker.join(' and ')} requests)`);
      }

      const victim = workers.workers()[0]?.pid as number;
      process.kill(victim, 'SIGKILL');
      await processGone(victim);
      await eventually(() => assert.equal(workers.ready(), true), { timeoutMs: 10_000 });
      const afterRestart = await reconnect(workers, port, 'TLSv1.3', sessions.get('TLSv1.3'));
      assert.deepEqual(afterRestart.reused, afterRestart.reused.map(() => true), 'the restarted worker got the same secret');
      assert.ok(afterRestart.perWorker.every((count) => count > 0), `both workers answered (${afterRestart.perWorker.join(' and ')} requests)`);
    } finally {
      await workers.close({ drainTimeoutMs: 0 });
    }
  });

  test('on rotation every worker takes the new secret: a ticket from before gets a full handshake, one from after resumes on both', async () => {
    const port = await freePort();
    // Long enough that the reconnections below fit between two rotations.
    const workers = twoWorkers(5_000);
    await workers.start();
    try {
      await workers.apply(httpsIr(port));
      const request = 'GET / HTTP/1.1\r\nHost: site.example.com\r\nConnection: close\r\n\r\n';
      const old = await tlsExchange(port, { servername: 'site.example.com', send: request });
      await eventually(async () => {
        assert.equal((await tlsExchange(port, { servername: 'site.example.com', session: old.session, send: request })).sessionReused, false);
      }, { timeoutMs: 15_000, intervalMs: 100 });
      const fresh = await tlsExchange(port, { servername: 'site.example.com', send: request });
      const spread = await reconnect(workers, port, 'TLSv1.3', fresh.session);
      assert.deepEqual(spread.reused, spread.reused.map(() => true), 'a ticket issued after the rotation resumes everywhere');
      assert.ok(spread.perWorker.every((count) => count > 0), `both workers answered (${spread.perWorker.join(' and ')} requests)`);
    } finally {
      await workers.close({ drainTimeoutMs: 0 });
    }
  });
});
