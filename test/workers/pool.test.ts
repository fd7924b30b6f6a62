// The worker pool against stand-in workers (fixtures/fake-worker.ts) that can
// be told to refuse a configuration: what the control loop sees when one
// worker refuses, what the others are left serving, how a dead worker is
// brought back, and what a worker that cannot start does to start().
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { IR } from '../../src/ir/types.ts';
import { memoryLogger } from '../../src/telemetry/log.ts';
import { WorkerPool } from '../../src/workers/pool.ts';
import { eventually } from '../support/net.ts';
import { processGone } from './serve-process.ts';

const fakeWorker = fileURLToPath(new URL('./fixtures/fake-worker.ts', import.meta.url));

function ir(name: string): IR {
  return { gateways: [{ name, namespace: 'default', gatewayName: name, ports: [], backends: {} }] };
}

function pool(options: { entry?: string; execArgv?: string[] } = {}): { pool: WorkerPool; logger: ReturnType<typeof memoryLogger> } {
  const logger = memoryLogger();
  return {
    logger,
    pool: new WorkerPool({
      count: 2,
      logger,
      execArgv: options.execArgv ?? [],
      entry: options.entry ?? fakeWorker,
      worker: { bindAddress: '127.0.0.1', metrics: false, routeMetrics: false, accessLog: false, drainTimeoutMs: 1_000 },
    }),
  };
}

describe('WorkerPool', () => {
  test('one worker refusing a configuration fails the apply with its reason; the others go back to the last good one', async () => {
    const { pool: workers } = pool();
    await workers.start();
    try {
      await workers.apply(ir('good'));
      assert.equal(workers.ready(), true);
      await assert.rejects(workers.apply(ir('refuse-1')), /^Error: worker 1: refused refuse-1$/);
      assert.equal(workers.listening()[0]?.address, 'good', 'worker 0 took the new IR, then the last good one again');
      assert.equal(workers.ready(), true, 'every worker serves the configuration the loop keeps');
    } finally {
      await workers.close();
    }
  });

  test('a dead worker is started again and given the current configuration before it counts as serving', async () => {
    const { pool: workers, logger } = pool();
    await workers.start();
    try {
      await workers.apply(ir('first'));
      await workers.apply(ir('current'));
      const victim = workers.workers()[0]?.pid as number;
      process.kill(victim, 'SIGKILL');
      await processGone(victim);
      assert.equal(workers.ready(), false);
      await eventually(() => assert.equal(workers.ready(), true), { timeoutMs: 10_000 });
      const [restarted] = workers.workers();
      assert.notEqual(restarted?.pid, victim);
      assert.equal(restarted?.restarts, 1);
      // The restarted worker held nothing: it was sent the whole IR (base 0).
      assert.deepEqual(workers.listening(), [{ port: restarted?.pid, address: 'current' }, { port: 0, address: 'base' }]);
      assert.ok(logger.entries.some((entry) => entry.msg === 'worker exited; restarting it' && (entry.obj as { reason?: string }).reason === 'signal SIGKILL'));
    } finally {
      await workers.close();
    }
  });

  test('after the first, each worker is sent deltas against what it holds; one that holds something else is sent the whole IR', async () => {
    const { pool: workers, logger } = pool();
    await workers.start();
    try {
      const first = ir('first');
      await workers.apply(first);
      assert.equal(workers.listening()[1]?.port, 0, 'the first configuration: everything');
      const second: IR = { gateways: [...first.gateways, ...ir('second').gateways] };
      await workers.apply(second);
      const base = workers.listening()[1]?.port ?? 0;
      assert.ok(base > 0, 'the second: a delta against the first');
      // A refused configuration leaves every worker on the second, and the next delta is against it.
      await assert.rejects(workers.apply(ir('refuse-0')));
      await workers.apply({ gateways: [...second.gateways, ...ir('third').gateways] });
      assert.ok((workers.listening()[1]?.port ?? 0) > base, 'a delta against the second (delivered after the first)');
      assert.ok(!logger.entries.some((entry) => entry.level === 'warn'), 'no worker had to be sent everything again');
    } finally {
      await workers.close();
    }
  });

  test('a worker that cannot start fails start() with the reason, logged, and leaves no process behind', async () => {
    const { pool: workers, logger } = pool({ execArgv: ['--no-such-node-flag'] });
    await assert.rejects(workers.start(), /worker \d exited before it could serve: exit code 9/);
    const failure = logger.entries.find((entry) => entry.msg === 'worker could not start; retrying');
    assert.equal((failure?.obj as { reason?: string } | undefined)?.reason, 'exit code 9');
    assert.deepEqual(workers.workers().map((worker) => worker.pid), [undefined, undefined]);
  });

  test('close stops every worker and resolves once all have exited', async () => {
    const { pool: workers } = pool();
    await workers.start();
    const pids = workers.workers().map((worker) => worker.pid as number);
    await workers.close();
    await Promise.all(pids.map((pid) => processGone(pid)));
    assert.deepEqual(workers.workers().map((worker) => worker.state), ['stopped', 'stopped']);
    await assert.rejects(workers.apply(ir('late')), /closed/);
  });
});
