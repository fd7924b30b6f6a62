// Runs the open-loop generator as its own process (so it can be pinned to the
// load core): options as JSON in argv[2], the result as one JSON line on stdout.
import { runOpenLoop } from './open-loop.ts';
import type { OpenLoopOptions } from './open-loop.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as OpenLoopOptions;
const result = await runOpenLoop(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
