// One virtual host's matches, compiled for lookup. Matches keep their IR
// position (`order`): the winner is the lowest position whose conditions all
// hold, exactly as the reference loop would find it. Candidates come from
// two places, each list sorted by position:
//   - Exact and PathPrefix entries, from the path index (path-index.ts): one
//     hashing pass over the path finds every list whose path covers it;
//   - RegularExpression entries: one list, each tested in full, behind a
//     check of the literal text its matches must start with.
// Lists are scanned only while their positions are below the best found so
// far, so a lookup is a pass over the path plus a few condition checks.
import type { IRHttpMatch, IRHttpRule, IRVirtualHost } from '../../ir/types.ts';
import { compileRegex } from '../../lib/regex.ts';
import { compileEntry, firstAccepted, type CompiledEntry } from './entry.ts';
import { PathIndexBuilder, type PathIndex } from './path-index.ts';
import { regexLiteralPrefix } from './regex-prefix.ts';
import type { RouteMatch, RouteRequest } from './request.ts';

export interface MatchTable {
  lookup(req: RouteRequest): RouteMatch | undefined;
}

export function compileMatchTable(vhost: IRVirtualHost, rules: readonly IRHttpRule[]): MatchTable {
  const paths = new PathIndexBuilder();
  const regexEntries: CompiledEntry[] = [];
  for (const [order, match] of vhost.matches.entries()) {
    const rule = rules[match.rule];
    if (rule === undefined) throw new Error(`IR bug: match refers to rule ${match.rule}, only ${rules.length} rules`);
    const result = Object.freeze({ vhost, match, rule });
    const { type, value } = match.path;
    if (type === 'Exact') {
      paths.addExact(value, compileEntry(order, match, result));
    } else if (type === 'PathPrefix') {
      paths.addPrefix(value, compileEntry(order, match, result));
    } else {
      regexEntries.push(compileEntry(order, match, result, regexPathTest(match.path)));
    }
  }
  // Entries were added in IR order, so every list is already sorted by position.
  return new CompiledMatchTable(paths.build(), regexEntries);
}

class CompiledMatchTable implements MatchTable {
  readonly #paths: PathIndex;
  readonly #regexEntries: CompiledEntry[];

  constructor(paths: PathIndex, regexEntries: CompiledEntry[]) {
    this.#paths = paths;
    this.#regexEntries = regexEntries;
  }

  lookup(req: RouteRequest): RouteMatch | undefined {
    let best = this.#paths.best(req, undefined);
    if (this.#regexEntries.length > 0) best = firstAccepted(this.#regexEntries, req, best);
    return best?.result;
  }
}

/** A full-match test of the path; a pattern that does not compile never matches. */
function regexPathTest(pathMatch: IRHttpMatch['path']): (path: string) => boolean {
  const compiled = compileRegex(pathMatch.value);
  if (!compiled.ok) return () => false;
  const regex = compiled.regex;
  const literal = regexLiteralPrefix(pathMatch.value);
  if (literal === '') return (path) => regex.test(path);
  return (path) => path.startsWith(literal) && regex.test(path);
}
