// One virtual host's matches, compiled for lookup. Matches keep their IR
// position (`order`): the winner is the lowest position whose conditions all
// hold, exactly as the reference loop would find it. Candidates come from
// three places, each list sorted by position:
//   - Exact paths: a map from path to the entries for that path;
//   - PathPrefix: a trie of path elements; every node on the request path's
//     walk holds the entries whose prefix ends there;
//   - everything else (RegularExpression, odd prefixes): one list, tested in full.
// Each list is scanned only while its positions are below the best found so
// far, so a lookup is a hash lookup, a walk as deep as the path and a few
// condition checks.
import type { IRHttpMatch, IRHttpRule, IRStringMatch, IRVirtualHost } from '../../ir/types.ts';
import { compileRegex, type LinearRegex } from '../../lib/regex.ts';
import type { RouteMatch, RouteRequest } from './request.ts';
import { firstQueryParamValue, requestHeaderValue } from './request-values.ts';

interface ValueCondition {
  name: string;
  /** Exact value, or undefined when `regex` decides. */
  exact: string | undefined;
  regex: LinearRegex | undefined;
  /** An invalid pattern: never matches (translate reports it in status). */
  never: boolean;
}

interface CompiledEntry {
  order: number;
  /** The shared answer: built once, returned by every lookup that picks this entry. */
  result: RouteMatch;
  method: string | undefined;
  headers: ValueCondition[];
  queryParams: ValueCondition[];
  /** For entries in the fallback list only: the path test. */
  pathTest: ((path: string) => boolean) | undefined;
}

interface PrefixNode {
  entries: CompiledEntry[];
  children: Map<string, PrefixNode> | undefined;
}

export interface MatchTable {
  lookup(req: RouteRequest): RouteMatch | undefined;
}

export function compileMatchTable(vhost: IRVirtualHost, rules: readonly IRHttpRule[]): MatchTable {
  const exactPaths = new Map<string, CompiledEntry[]>();
  const prefixRoot: PrefixNode = { entries: [], children: undefined };
  const fallback: CompiledEntry[] = [];
  for (const [order, match] of vhost.matches.entries()) {
    const rule = rules[match.rule];
    if (rule === undefined) throw new Error(`IR bug: match refers to rule ${match.rule}, only ${rules.length} rules`);
    const entry = compileEntry(order, match, Object.freeze({ vhost, match, rule }));
    const { type, value } = match.path;
    if (type === 'Exact') {
      const list = exactPaths.get(value) ?? [];
      list.push(entry);
      exactPaths.set(value, list);
    } else if (type === 'PathPrefix' && value.startsWith('/')) {
      prefixNodeFor(prefixRoot, value).entries.push(entry);
    } else {
      entry.pathTest = fallbackPathTest(match.path);
      fallback.push(entry);
    }
  }
  // Entries were appended in IR order, so every list is already sorted by position.
  return new CompiledMatchTable(exactPaths, prefixRoot, fallback);
}

class CompiledMatchTable implements MatchTable {
  readonly #exactPaths: Map<string, CompiledEntry[]>;
  readonly #prefixRoot: PrefixNode;
  readonly #fallback: CompiledEntry[];
  readonly #hasPrefixes: boolean;

  constructor(exactPaths: Map<string, CompiledEntry[]>, prefixRoot: PrefixNode, fallback: CompiledEntry[]) {
    this.#exactPaths = exactPaths;
    this.#prefixRoot = prefixRoot;
    this.#fallback = fallback;
    this.#hasPrefixes = prefixRoot.entries.length > 0 || prefixRoot.children !== undefined;
  }

  lookup(req: RouteRequest): RouteMatch | undefined {
    const path = req.path;
    let best: CompiledEntry | undefined;
    const exact = this.#exactPaths.get(path);
    if (exact !== undefined) best = firstAccepted(exact, req, best);
    if (this.#hasPrefixes && path.charCodeAt(0) === 47 /* / */) {
      let node: PrefixNode | undefined = this.#prefixRoot;
      let start = 1;
      for (;;) {
        best = firstAccepted(node.entries, req, best);
        if (node.children === undefined) break;
        const slash = path.indexOf('/', start);
        node = node.children.get(slash < 0 ? path.slice(start) : path.slice(start, slash));
        if (node === undefined) break;
        if (slash < 0) {
          best = firstAccepted(node.entries, req, best);
          break;
        }
        start = slash + 1;
      }
    }
    if (this.#fallback.length > 0) best = firstAccepted(this.#fallback, req, best);
    return best?.result;
  }
}

/** Scans a position-sorted list for the first entry that accepts the request, stopping at `best`. */
function firstAccepted(list: readonly CompiledEntry[], req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined {
  const limit = best === undefined ? Infinity : best.order;
  for (const entry of list) {
    if (entry.order >= limit) break;
    if (accepts(entry, req)) return entry;
  }
  return best;
}

function accepts(entry: CompiledEntry, req: RouteRequest): boolean {
  if (entry.pathTest !== undefined && !entry.pathTest(req.path)) return false;
  if (entry.method !== undefined && entry.method !== req.method) return false;
  for (const condition of entry.headers) {
    if (!valueAccepted(condition, requestHeaderValue(req.headers, condition.name))) return false;
  }
  for (const condition of entry.queryParams) {
    if (!valueAccepted(condition, firstQueryParamValue(req.query, condition.name))) return false;
  }
  return true;
}

function valueAccepted(condition: ValueCondition, actual: string | undefined): boolean {
  if (actual === undefined || condition.never) return false;
  return condition.regex === undefined ? actual === condition.exact : condition.regex.test(actual);
}

function compileEntry(order: number, match: IRHttpMatch, result: RouteMatch): CompiledEntry {
  return {
    order,
    result,
    method: match.method,
    headers: match.headers.map(compileValueCondition),
    queryParams: match.queryParams.map(compileValueCondition),
    pathTest: undefined,
  };
}

function compileValueCondition(matcher: IRStringMatch): ValueCondition {
  if (matcher.type === 'Exact') return { name: matcher.name, exact: matcher.value, regex: undefined, never: false };
  const compiled = compileRegex(matcher.value);
  return compiled.ok
    ? { name: matcher.name, exact: undefined, regex: compiled.regex, never: false }
    : { name: matcher.name, exact: undefined, regex: undefined, never: true };
}

/**
 * The trie node where a prefix's last path element ends. A trailing "/" is
 * ignored (PathMatchPathPrefix), so "/" is the root and "/a/" is "/a".
 */
function prefixNodeFor(root: PrefixNode, prefix: string): PrefixNode {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  let node = root;
  if (trimmed === '') return node;
  for (const element of trimmed.slice(1).split('/')) {
    node.children ??= new Map();
    let child = node.children.get(element);
    if (child === undefined) {
      child = { entries: [], children: undefined };
      node.children.set(element, child);
    }
    node = child;
  }
  return node;
}

/** Path tests for entries the maps cannot index: regular expressions, and prefixes not starting with "/". */
function fallbackPathTest(pathMatch: IRHttpMatch['path']): (path: string) => boolean {
  if (pathMatch.type === 'RegularExpression') {
    const compiled = compileRegex(pathMatch.value);
    if (!compiled.ok) return () => false;
    const regex = compiled.regex;
    return (path) => regex.test(path);
  }
  const element = pathMatch.value.endsWith('/') ? pathMatch.value.slice(0, -1) : pathMatch.value;
  if (element === '') return (path) => path.startsWith('/');
  const withSlash = `${element}/`;
  return (path) => path === element || path.startsWith(withSlash);
}
