import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { registerProcessMemoryMetrics } from './process-memory.ts';

function valueOf(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  assert.ok(line, `${name} missing from:\n${text}`);
  return Number(line.slice(name.length + 1));
}

test('/metrics carries this process resident memory and V8 heap, heap in use within the heap reserved', async () => {
  const registry = new Registry();
  registerProcessMemoryMetrics(registry);
  const text = await registry.metrics();
  const rss = valueOf(text, 'process_resident_memory_bytes');
  const used = valueOf(text, 'nodejs_heap_size_used_bytes');
  const total = valueOf(text, 'nodejs_heap_size_total_bytes');
  assert.ok(valueOf(text, 'nodejs_external_memory_bytes') >= 0);
  assert.ok(used > 0 && used <= total, `heap used ${used}, total ${total}`);
  assert.ok(rss > used, `rss ${rss}, heap used ${used}`);
});

test('each scrape reads memory again: a heap that grows shows on the next scrape', async () => {
  const registry = new Registry();
  registerProcessMemoryMetrics(registry);
  const before = valueOf(await registry.metrics(), 'nodejs_heap_size_used_bytes');
  const held = Array.from({ length: 200_000 }, (_, i) => ({ i }));
  const after = valueOf(await registry.metrics(), 'nodejs_heap_size_used_bytes');
  assert.ok(after > before + 1_000_000, `before ${before}, after ${after} with ${held.length} objects held`);
});
