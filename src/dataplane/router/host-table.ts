// Virtual host selection in constant work per Host label: an exact-name map,
// a map of wildcard suffixes (".example.com" for "*.example.com") probed from
// the longest suffix of the Host to the shortest, then "*". Nothing here grows
// with client input: maps are built once from the IR and only read.

export interface HostTable<T> {
  /** The entry for a lowercase Host, or undefined when no pattern covers it. */
  select(host: string): T | undefined;
}

const FEW_NAMES = 4;

/** Builds the table from [pattern, value] pairs; patterns are "name", "*.suffix" or "*". */
export function compileHostTable<T>(entries: ReadonlyArray<readonly [string, T]>): HostTable<T> {
  const exact = new Map<string, T>();
  const wildcardBySuffix = new Map<string, T>();
  let any: T | undefined;
  let shortestSuffix = Infinity;
  let longestSuffix = 0;
  for (const [pattern, value] of entries) {
    if (pattern === '*') {
      any = value;
    } else if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      wildcardBySuffix.set(suffix, value);
      shortestSuffix = Math.min(shortestSuffix, suffix.length);
      longestSuffix = Math.max(longestSuffix, suffix.length);
    } else {
      exact.set(pattern, value);
    }
  }
  const hasWildcards = wildcardBySuffix.size > 0;
  // A few exact names (a Gateway with one or two hostnames, the usual case)
  // are compared directly: the Host is a fresh string per request, and
  // comparing it with one or two names costs less than hashing it.
  const fewNames = exact.size <= FEW_NAMES ? [...exact.keys()] : undefined;
  const fewValues = fewNames === undefined ? [] : [...exact.values()];
  return {
    select(host: string): T | undefined {
      if (fewNames !== undefined) {
        for (let i = 0; i < fewNames.length; i++) if (fewNames[i] === host) return fewValues[i];
      } else {
        const exactEntry = exact.get(host);
        if (exactEntry !== undefined) return exactEntry;
      }
      if (hasWildcards) {
        // A wildcard needs at least one character before its suffix, so the
        // first candidate dot is at index 1; suffixes outside the configured
        // length range are skipped without a lookup.
        for (let dot = host.indexOf('.', 1); dot >= 0; dot = host.indexOf('.', dot + 1)) {
          const length = host.length - dot;
          if (length > longestSuffix) continue;
          if (length < shortestSuffix) break;
          const entry = wildcardBySuffix.get(host.slice(dot));
          if (entry !== undefined) return entry;
        }
      }
      return any;
    },
  };
}
