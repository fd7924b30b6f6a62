// V8 heap settings for processes that serve traffic. A proxy allocates many
// short-lived objects per request (heads, buffers, closures) that die young; a
// larger young generation means fewer scavenges and fewer objects promoted to
// the old generation only to die there.
//
// Measured (wrk -c16, one route, one worker pinned to a core, 5-6 rounds of
// 5 s per size; medians), scavenges per 10,000 requests and GC time per request:
//
//   --max-semi-space-size   8 MB: 11.2, 14 µs    16 MB: 5.1, 2.7 µs
//                          32 MB:  3.9, 3.6 µs   64 MB: 3.6, 2.9 µs
//
// Requests/s varied threefold between rounds (the machine was shared), so only
// 8 MB stood out, as the slowest; 16 MB and above measured alike.
//
// The young generation is resident memory: two semi-spaces, grown to the
// maximum under traffic. 5,000 routes under churn and 500 req/s (one process,
// back to back on the same shared machine): RSS max 257 MB with 32 MB
// semi-spaces, 223 MB with 16 MB (heap in use the same, ~120 MB). 16 MB keeps
// the GC cost of the larger sizes at half their memory, per process.
// NODE_OPTIONS overrides it.
export const SEMI_SPACE_MB = 16;

const FLAG = '--max-semi-space-size';

function hasFlag(args: readonly string[]): boolean {
  return args.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`));
}

/** Whether this process runs with a semi-space size set (by us, or by the user through flags or NODE_OPTIONS). */
export function semiSpaceSet(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return hasFlag(execArgv) || hasFlag((nodeOptions ?? '').split(/\s+/));
}

/** The flags a worker process starts with: the primary's own (minus the test runner's), plus the semi-space size unless one was given. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const inherited = execArgv.filter((arg) => !arg.startsWith('--test'));
  return semiSpaceSet(inherited, process.env.NODE_OPTIONS) ? inherited : [...inherited, `${FLAG}=${SEMI_SPACE_MB}`];
}

/**
 * With one worker the data plane runs in this process, whose heap was sized
 * before any of our code ran. Unless the semi-space size is already set, this
 * re-executes the same command with it (execve: same pid, same stdio, nothing
 * started yet). Where execve is missing the process just runs with V8's default.
 */
export function ensureSemiSpace(): void {
  if (semiSpaceSet(process.execArgv, process.env.NODE_OPTIONS) || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, `${FLAG}=${SEMI_SPACE_MB}`, ...process.argv.slice(1)], process.env);
}
