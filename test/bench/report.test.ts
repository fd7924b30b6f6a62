// The bench's arithmetic: medians, spreads, ratios to nginx, and the notes that
// warn when a number should not be trusted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadResult } from '../../bench/load/wrk.ts';
import { reasonLine } from '../../bench/measure.ts';
import type { ScenarioOutcome } from '../../bench/measure.ts';
import { formatTable, spread, summarize } from '../../bench/report.ts';
import { SCENARIOS } from '../../bench/scenarios.ts';

function run(requestsPerSecond: number, p50Ms = 1, p99Ms = 2, extra: Partial<LoadResult> = {}): LoadResult {
  return { requests: requestsPerSecond * 5, seconds: 5, requestsPerSecond, p50Ms, p90Ms: p99Ms, p99Ms, maxMs: p99Ms, socketErrors: 0, badStatuses: 0, ...extra };
}

const scenario = SCENARIOS[0] as ScenarioOutcome['scenario'];

test('spread: median of odd and even counts, with min and max', () => {
  assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  assert.deepEqual(spread([7]), { median: 7, min: 7, max: 7 });
});

test('ratios are medians over nginx medians; a skipped proxy has none', () => {
  const summaries = summarize({
    scenario,
    proxies: [
      { proxy: 'nginx', runs: [run(100, 1, 4), run(110, 1, 4), run(90, 1, 4)] },
      { proxy: 'portico', runs: [run(50, 2, 2), run(55, 2, 2), run(45, 2, 2)] },
      { proxy: 'haproxy', runs: [], skipped: 'exited (1)' },
    ],
  });
  assert.deepEqual(summaries.find((s) => s.proxy === 'portico')?.vsNginx, { requestsPerSecond: 0.5, p50Ms: 2, p99Ms: 0.5 });
  assert.equal(summaries.find((s) => s.proxy === 'haproxy')?.vsNginx, undefined);
});

test('the table names skipped proxies, busy-machine spreads, stalled rounds and errors', () => {
  const outcome: ScenarioOutcome = {
    scenario,
    proxies: [
      { proxy: 'nginx', runs: [run(100), run(100), run(100, 1, 2, { badStatuses: 3 })] },
      { proxy: 'portico', runs: [run(100), run(0, 0, 0, { requests: 0 }), run(60)] },
      { proxy: 'haproxy', runs: [], skipped: 'did not come up: exited (1)\n    | details' },
    ],
  };
  const table = formatTable(outcome, summarize(outcome));
  assert.match(table, /\[headline\]/);
  assert.match(table, /nginx\s+100\s+\(100–100\)\s+1\.00x.*\s3$/m);
  assert.match(table, /haproxy skipped: did not come up: exited \(1\)$/m);
  assert.doesNotMatch(table, /details/, 'the skip note keeps to its first line');
  assert.match(table, /portico: 1 of 3 rounds completed no request at all/);
  assert.match(table, /portico: rounds differ by 167% of the median/);
});

test('the fixed-rate table compares latency at the offered rate, with p999, and shows how the rate was found', () => {
  const fixed = SCENARIOS.find((entry) => entry.id === 'fixed-rate') as ScenarioOutcome['scenario'];
  const openLoop = (p99Ms: number, p999Ms: number): LoadResult => ({ ...run(500, 1, p99Ms), p999Ms, offeredRate: 500 });
  const outcome: ScenarioOutcome = {
    scenario: fixed,
    proxies: [
      { proxy: 'nginx', runs: [openLoop(2, 4)] },
      { proxy: 'portico', runs: [openLoop(3, 10)] },
    ],
    notes: ['nginx\'s capacity in this run: 1,000 req/s'],
  };
  const table = formatTable(outcome, summarize(outcome));
  assert.match(table, /offered\/s\s+answered\/s\s+p50 ms/);
  assert.match(table, /portico\s+500\s+500\s+1\.00\s+1\.00x\s+3\.00\s+\(3\.00–3\.00\)\s+1\.50x\s+10\.00\s+2\.50x\s+0$/m);
  assert.match(table, /nginx's capacity in this run: 1,000 req\/s/);
});

test('the soak table shows memory start, end, peak, slope and whether it stayed flat', () => {
  const soak = SCENARIOS.find((entry) => entry.id === 'soak') as ScenarioOutcome['scenario'];
  const MB = 1024 * 1024;
  const outcome: ScenarioOutcome = {
    scenario: soak,
    proxies: [{ proxy: 'portico', runs: [run(100)], memory: { startBytes: 100 * MB, endBytes: 140 * MB, peakBytes: 150 * MB, slopeBytesPerMinute: 12 * MB, growthBytes: 30 * MB, allowanceBytes: 5 * MB, flat: false, samples: 30 } }],
  };
  assert.match(formatTable(outcome, summarize(outcome)), /portico\s+100\s+100\.0\s+140\.0\s+150\.0\s+12\.0\s+30\.0\s+NO\s+0$/m);
});

test('a failed program is summed up by its error line, else its first line', () => {
  assert.equal(reasonLine('node:internal/modules/esm/resolve:272\n    throw new ERR_MODULE_NOT_FOUND(\n\nError [ERR_MODULE_NOT_FOUND]: Cannot find module x\n    at y'), 'Error [ERR_MODULE_NOT_FOUND]: Cannot find module x');
  assert.equal(reasonLine("\nUnknown option '--workers'\n\nusage: portico serve"), "Unknown option '--workers'");
  assert.equal(reasonLine('SyntaxError: The requested module does not provide an export'), 'SyntaxError: The requested module does not provide an export');
  assert.equal(reasonLine('listen EADDRINUSE\n'), 'listen EADDRINUSE');
  assert.equal(reasonLine('\n\n#  node[42]: void node::http_parser::Parser::Initialize() at ../src/node_http_parser.cc:1\n#  Assertion failed: (parser) != nullptr\n'), '#  Assertion failed: (parser) != nullptr');
  assert.equal(reasonLine(''), '(no output)');
});
