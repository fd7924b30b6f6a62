// This process's memory on /metrics, under the names Prometheus' Node.js
// clients use, so existing dashboards read them: the resident set, and the V8
// heap (in use, and reserved) with the memory V8 tracks outside it (buffers).
// RSS far above the heap in use points at heap slack or the allocator; a heap
// in use that grows with time under the same configuration is a leak. With
// worker processes these are the primary's (the control plane's) figures.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

const FIELDS = [
  ['process_resident_memory_bytes', 'Resident memory size of this process in bytes.', 'rss'],
  ['nodejs_heap_size_used_bytes', 'V8 heap in use by live and not yet collected objects, in bytes.', 'heapUsed'],
  ['nodejs_heap_size_total_bytes', 'V8 heap reserved from the system, in bytes.', 'heapTotal'],
  ['nodejs_external_memory_bytes', 'Memory outside the V8 heap that V8 objects hold (buffers), in bytes.', 'external'],
] as const;

export function registerProcessMemoryMetrics(registry: Registry): void {
  for (const [name, help, field] of FIELDS) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(process.memoryUsage()[field]);
      },
    });
  }
}
