// `portico check --config DIR [--output json]`: the status the controller would
// write, without serving. Exits 1 when a gateway or route is not Accepted or has
// unresolved references, or when an input object was rejected.
import { CONTROLLER_NAME } from '../control/loop.ts';
import { formatDiagnostic } from '../load/diagnostics.ts';
import { loadDirectoryOnce } from '../providers/file/index.ts';
import { translate } from '../translate/index.ts';
import { parse, requireFlag, UsageError, withUsage } from './args.ts';
import { findProblems, renderTable } from './status-table.ts';

const usage = `usage: portico check --config DIR [--output table|json]

Computes the status Portico's controller would write for every object in DIR
and prints it (--output json: a list of {apiVersion, kind, metadata, status}).
Exits 1 when a gateway or route is not Accepted or has unresolved references,
or when an object in DIR is invalid.
`;

export function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values } = parse(argv, { config: { type: 'string', short: 'c' }, output: { type: 'string', short: 'o' } });
    const output = values.output ?? 'table';
    if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be "table" or "json", got "${output}"`);
    const snapshot = await loadDirectoryOnce(requireFlag('config', values.config));
    const { statuses } = translate(snapshot.resources, { controllerName: CONTROLLER_NAME, now: new Date().toISOString() });

    for (const diagnostic of snapshot.diagnostics) process.stderr.write(`${diagnostic.severity}: ${formatDiagnostic(diagnostic)}\n`);
    if (output === 'json') process.stdout.write(JSON.stringify(statuses, null, 2) + '\n');
    else process.stdout.write(renderTable(statuses, CONTROLLER_NAME));

    const problems = findProblems(statuses, CONTROLLER_NAME);
    if (output === 'table' && problems.length > 0) {
      process.stdout.write(`\n${problems.length} problem(s):\n`);
      for (const problem of problems) process.stdout.write(`  ${problem.object}: ${problem.detail}\n`);
    }
    const errors = snapshot.diagnostics.filter((d) => d.severity === 'error').length;
    return problems.length > 0 || errors > 0 ? 1 : 0;
  });
}
