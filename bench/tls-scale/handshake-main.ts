// Runs the handshake client as its own process (so it can be pinned to the
// load core): options as JSON in argv[2], the server names in the file it
// names (5,000 names outgrow one argument's limit), the result as one JSON
// line on stdout.
import { readFileSync } from 'node:fs';
import { runHandshakes } from './handshake-client.ts';
import type { HandshakeOptions } from './handshake-client.ts';

export type HandshakeMainOptions = Omit<HandshakeOptions, 'names'> & { namesFile: string };

const options = JSON.parse(process.argv[2] ?? '{}') as HandshakeMainOptions;
const names = readFileSync(options.namesFile, 'utf8').split('\n').filter((name) => name !== '');
process.stdout.write(`${JSON.stringify(await runHandshakes({ ...options, names }))}\n`);
