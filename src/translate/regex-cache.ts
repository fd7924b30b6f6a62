// User patterns are validated with the same linear-time engine the data plane
// matches with (RE2 syntax), once per distinct pattern per translate() call.
import { compileRegex } from '../lib/regex.ts';

export type RegexCheck = (pattern: string) => string | undefined;

/** Returns a checker: undefined for a valid pattern, else the compile error. */
export function regexChecker(): RegexCheck {
  const seen = new Map<string, string | undefined>();
  return (pattern) => {
    if (seen.has(pattern)) return seen.get(pattern);
    const result = compileRegex(pattern);
    const error = result.ok ? undefined : result.error;
    seen.set(pattern, error);
    return error;
  };
}
