// Targets next to measurements: each row names the goal, the measured value and
// PASS or MISS (or n/a with the reason when it could not be measured). Shared by
// `npm run bench`, `bench:change` and `bench:scale`.

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  verdict: Verdict;
  note?: string;
}

/** PASS when `value` satisfies `goal` (≥ or ≤ `limit`); n/a when there is no value. */
export function judge(value: number | undefined, comparison: '>=' | '<=', limit: number): Verdict {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return (comparison === '>=' ? value >= limit : value <= limit) ? 'PASS' : 'MISS';
}

/** A row whose value could not be measured, with the reason. */
export function notMeasured(target: string, goal: string, reason: string): TargetRow {
  return { target, goal, measured: '-', verdict: 'n/a', note: reason };
}

export function formatTargets(title: string, rows: readonly TargetRow[]): string {
  const header = ['target', 'goal', 'measured', 'verdict'];
  const cells = rows.map((row) => [row.target, row.goal, row.measured, row.verdict]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string => `  ${row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()}`;
  const notes = rows.filter((row) => row.note).map((row) => `  ${row.target}: ${row.note ?? ''}`);
  const passed = rows.filter((row) => row.verdict === 'PASS').length;
  const missed = rows.filter((row) => row.verdict === 'MISS').length;
  return [title, line(header), ...cells.map(line), ...notes, `  ${passed} PASS, ${missed} MISS, ${rows.length - passed - missed} n/a`].join('\n');
}
