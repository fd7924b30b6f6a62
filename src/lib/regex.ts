// Regular expressions from users (route matches) are compiled with RE2's
// semantics (re2js): matching time is linear in the input, so no pattern can
// make a request take exponential time. Patterns match the whole input, as
// Envoy's safe_regex does for paths and header values.
import { RE2JS } from 're2js';

export interface LinearRegex {
  /** True when the whole input matches. */
  test(input: string): boolean;
  readonly source: string;
}

export type RegexResult = { ok: true; regex: LinearRegex } | { ok: false; error: string };

/** Compiles a user-supplied pattern; never throws. */
export function compileRegex(pattern: string): RegexResult {
  try {
    const compiled = RE2JS.compile(pattern);
    return { ok: true, regex: { source: pattern, test: (input) => compiled.matches(input) } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
