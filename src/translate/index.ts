// translate(): Gateway API resources → the data plane's IR and the exact
// status Portico writes for every object it manages. Pure and deterministic:
// no I/O, no clock (the time comes in `options.now`), inputs never mutated,
// every output list sorted.
//
// The work is done by a Translator (translator.ts), which the control loop
// keeps from one snapshot to the next so that a change costs what it changes;
// translate() is a fresh Translator's first run, for `check`, `explain` and
// tests. Both give the same result for the same input, byte for byte.
import type { ResourceSet } from '../model/resources.ts';
import type { TranslateOptions, TranslateResult } from './translator.ts';
import { createTranslator } from './translator.ts';

export type { StatusUpdate } from './status-update.ts';
export type { TranslateOptions, TranslateResult, Translator } from './translator.ts';
export { createTranslator } from './translator.ts';

export function translate(resources: ResourceSet, options: TranslateOptions): TranslateResult {
  return createTranslator().translate(resources, options);
}
