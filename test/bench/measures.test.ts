// The bench's small calculations: percentiles and slopes, /proc parsing, the
// soak's flat-memory judgement, Portico's listener check, and the targets table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchTargets } from '../../bench/bench-targets.ts';
import type { SummarizedScenario } from '../../bench/bench-targets.ts';
import type { LoadResult } from '../../bench/load/wrk.ts';
import type { ScenarioOutcome } from '../../bench/measure.ts';
import { summarizeMemory } from '../../bench/memory.ts';
import { parseStat, parseStatusRss, processTree } from '../../bench/proc.ts';
import { listenerProblem } from '../../bench/proxies/portico-check.ts';
import { summarize } from '../../bench/report.ts';
import { SCENARIOS } from '../../bench/scenarios.ts';
import { percentile, percentiles, slope } from '../../bench/stats.ts';
import { formatTargets, judge } from '../../bench/targets.ts';

test('percentiles are nearest-rank over the sorted samples', () => {
  const sorted = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 500);
  assert.equal(percentile(sorted, 99), 990);
  assert.equal(percentile(sorted, 99.9), 999);
  assert.equal(percentile(sorted, 100), 1000);
  assert.equal(percentile(sorted, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.deepEqual(percentiles([3, 1, 2]), { p50: 2, p99: 3, p999: 3, max: 3, count: 3 });
});

test('slope is the least-squares fit', () => {
  assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  assert.equal(slope([{ x: 0, y: 4 }]), 0);
  assert.equal(slope([{ x: 1, y: 4 }, { x: 1, y: 6 }]), 0);
});

test('/proc parsing: a name with spaces and parentheses, CPU ticks, VmRSS', () => {
  const stat = '4242 (node (worker) 1) S 4200 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 100 1000 2000';
  assert.deepEqual(parseStat(stat, 100), { name: 'node (worker) 1', ppid: 4200, cpuSeconds: 3 });
  assert.equal(parseStatusRss('Name:\tnode\nVmRSS:\t  2048 kB\nVmSwap:\t0 kB\n'), 2 * 1024 * 1024);
  assert.equal(parseStatusRss('Name:\tzombie\n'), 0);
});

test('processTree finds this process with its memory and CPU time', () => {
  const [self] = processTree(process.pid);
  assert.equal(self?.pid, process.pid);
  assert.ok((self?.rssBytes ?? 0) > 1024 * 1024);
  assert.ok((self?.cpuSeconds ?? -1) >= 0);
});

const MB = 1024 * 1024;
const trace = (values: number[]) => values.map((mb, i) => ({ seconds: i, rssBytes: mb * MB }));

test('soak memory: growth after the settling third decides flat; start, end, peak and slope reported', () => {
  const flat = summarizeMemory(trace([80, 120, 140, 150, 151, 150, 152, 151, 150]));
  assert.equal(flat?.flat, true, 'growing while settling (first third) is fine');
  assert.equal(flat?.startBytes, 80 * MB);
  assert.equal(flat?.peakBytes, 152 * MB);
  const leaking = summarizeMemory(trace([100, 100, 100, 110, 120, 130, 140, 150, 160]));
  assert.equal(leaking?.flat, false);
  assert.equal(leaking?.growthBytes, 30 * MB);
  assert.ok((leaking?.slopeBytesPerMinute ?? 0) > 0);
  assert.equal(summarizeMemory([]), undefined);
});

test('listenerProblem: names the condition that keeps a listener from serving', () => {
  const check = (conditions: unknown[]) => JSON.stringify([{ kind: 'Gateway', metadata: { name: 'bench' }, status: { listeners: [{ name: 'https', conditions }] } }]);
  const accepted = { type: 'Accepted', status: 'True' };
  assert.equal(listenerProblem(check([accepted, { type: 'Programmed', status: 'True' }]), 'https'), undefined);
  assert.equal(
    listenerProblem(check([{ type: 'Accepted', status: 'False', reason: 'UnsupportedProtocol', message: 'protocol HTTPS is not supported' }]), 'https'),
    'listener "https" Accepted=False UnsupportedProtocol: protocol HTTPS is not supported',
  );
  assert.equal(listenerProblem(check([accepted]), 'https'), 'listener "https" Programmed=missing');
  assert.equal(listenerProblem(check([]), 'http'), 'Gateway bench reports no listener "http"');
});

function run(requestsPerSecond: number, p99Ms = 2): LoadResult {
  return { requests: requestsPerSecond, seconds: 1, requestsPerSecond, p50Ms: 1, p90Ms: 1, p99Ms, maxMs: p99Ms, socketErrors: 0, badStatuses: 0 };
}

function scenario(id: string, proxies: ScenarioOutcome['proxies'], extra: Partial<ScenarioOutcome> = {}): SummarizedScenario {
  const outcome: ScenarioOutcome = { scenario: SCENARIOS.find((entry) => entry.id === id) as ScenarioOutcome['scenario'], proxies, ...extra };
  return { outcome, summaries: summarize(outcome) };
}

test('fixed-rate p99 is judged when the generator kept its schedule', () => {
  const [row] = benchTargets([
    scenario('fixed-rate', [{ proxy: 'nginx', runs: [run(500, 2)] }, { proxy: 'portico', runs: [run(500, 5)] }], { fixedRate: { capacity: 1000, rate: 500, generatorSustained: true } }),
  ]).filter((candidate) => candidate.target.startsWith('p99 at half'));
  assert.deepEqual([row?.measured, row?.verdict, row?.note], ['2.500x (5.00 ms)', 'MISS', undefined]);
});

test('targets: ratios to nginx, Portico against itself, and n/a with the reason', () => {
  const rows = benchTargets([
    scenario('small-c16', [{ proxy: 'nginx', runs: [run(1000)] }, { proxy: 'portico', runs: [run(600)] }]),
    scenario('routes1000-c16', [{ proxy: 'nginx', runs: [run(1000)] }, { proxy: 'portico', runs: [run(500)] }]),
    scenario('routes1-spread-c16', [{ proxy: 'nginx', runs: [run(1000)] }, { proxy: 'portico', runs: [run(600)] }]),
    scenario('https-c16', [{ proxy: 'nginx', runs: [run(1000)] }, { proxy: 'portico', runs: [], skipped: 'HTTPS listeners not supported yet (x)\nmore' }]),
    scenario('fixed-rate', [{ proxy: 'nginx', runs: [run(500, 2)] }, { proxy: 'portico', runs: [run(500, 5)] }], { fixedRate: { capacity: 1000, rate: 500, generatorSustained: false } }),
    scenario('small-c16-2cores', [{ proxy: 'nginx', runs: [run(1900)] }, { proxy: 'portico', runs: [run(1200)] }]),
  ]);
  const row = (prefix: string) => rows.find((candidate) => candidate.target.startsWith(prefix));
  assert.deepEqual([row('HTTP/1.1 keep-alive, 16')?.measured, row('HTTP/1.1 keep-alive, 16')?.verdict], ['0.600x (small-c16)', 'PASS']);
  assert.deepEqual([row('1,000 routes')?.measured, row('1,000 routes')?.verdict], ['0.833x', 'MISS']);
  assert.equal(row('HTTPS')?.verdict, 'n/a');
  assert.equal(row('HTTPS')?.note, 'portico skipped in https-c16: HTTPS listeners not supported yet (x)');
  assert.equal(row('HTTP/1.1 keep-alive, 1 connection')?.note, 'scenario small-c1 was not run');
  assert.deepEqual([row('p99 at half')?.measured, row('p99 at half')?.verdict], ['2.500x (5.00 ms)', 'n/a'], 'a generator that fell behind gets no verdict');
  assert.match(row('p99 at half')?.note ?? '', /did not sustain/);
  assert.deepEqual([row('both cores')?.measured, row('both cores')?.verdict], ['2.000x', 'PASS']);
  assert.match(row('both cores')?.note ?? '', /nginx scales 1\.900x/);
  const table = formatTargets('Targets', rows);
  assert.match(table, /^ {2}HTTP\/1\.1 keep-alive, 16 connections +≥ 0\.50x nginx +0\.600x \(small-c16\) +PASS$/m);
  assert.match(table, /2 PASS, 1 MISS, 9 n\/a$/);
});

test('judge: PASS, MISS, and n/a without a value', () => {
  assert.equal(judge(0.5, '>=', 0.5), 'PASS');
  assert.equal(judge(0.49, '>=', 0.5), 'MISS');
  assert.equal(judge(51, '<=', 50), 'MISS');
  assert.equal(judge(undefined, '<=', 50), 'n/a');
  assert.equal(judge(Number.NaN, '>=', 1), 'n/a');
});
