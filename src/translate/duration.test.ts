import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.ts';

test('GEP-2257 durations parse to milliseconds (the GEP test vectors)', () => {
  const valid: [string, number][] = [
    ['0h', 0],
    ['0s', 0],
    ['0h0m0s', 0],
    ['1h', 3_600_000],
    ['30m', 1_800_000],
    ['10s', 10_000],
    ['500ms', 500],
    ['2h30m', 9_000_000],
    ['150m', 9_000_000],
    ['7230s', 7_230_000],
    ['1h30m10s', 5_410_000],
    ['10s30m1h', 5_410_000],
    ['100ms200ms300ms', 600],
    ['01h', 3_600_000],
    ['00060m', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
  ];
  for (const [text, ms] of valid) assert.equal(parseDuration(text), ms, text);
});

test('strings outside the GEP-2257 grammar are rejected', () => {
  for (const text of ['', '0', '1', '1m1', '1d', '1h30m10s20ms50h', '999999h', '1.5h', '-15m', '1us', ' 1s', '1s ', '1S', 'PT1S']) {
    assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  }
});
