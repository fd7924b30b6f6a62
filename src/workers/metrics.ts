// Per-worker metrics on the primary, read from the pool when scraped (after the
// scrape has gathered the workers' counts): which process holds each worker
// position, whether it serves, how often it was restarted, and how many
// requests it answered (to see how evenly SO_REUSEPORT spreads connections).
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { WorkerStatus } from './serving.ts';

export function registerWorkerMetrics(registry: Registry, workers: () => WorkerStatus[]): void {
  new Gauge({
    name: 'portico_worker_info',
    help: 'One series per running worker process: its position and pid.',
    labelNames: ['worker', 'pid'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of workers()) if (worker.pid !== undefined) this.set({ worker: worker.index, pid: worker.pid }, 1);
    },
  });
  new Gauge({
    name: 'portico_worker_up',
    help: '1 when the worker process serves traffic, 0 while it starts, catches up or restarts.',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of workers()) this.set({ worker: worker.index }, worker.state === 'serving' ? 1 : 0);
    },
  });
  new Counter({
    name: 'portico_worker_restarts_total',
    help: 'Times a worker process exited unasked and was started again.',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of workers()) this.inc({ worker: worker.index }, worker.restarts);
    },
  });
  new Counter({
    name: 'portico_worker_requests_total',
    help: 'Requests answered by each worker position (its processes, across restarts).',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of workers()) this.inc({ worker: worker.index }, worker.requests);
    },
  });
}
