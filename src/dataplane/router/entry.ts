// A match entry compiled for the hot path: its conditions with regexes built
// once, and the shared RouteMatch it answers with. `firstAccepted` is the
// one loop every candidate list goes through.
import type { IRHttpMatch, IRStringMatch } from '../../ir/types.ts';
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

export interface CompiledEntry {
  /** Position in the virtual host's matches: lower wins. */
  order: number;
  /** The shared answer: built once, returned by every lookup that picks this entry. */
  result: RouteMatch;
  method: string | undefined;
  headers: ValueCondition[];
  queryParams: ValueCondition[];
  /** The path test, for entries whose candidate list does not already imply the path matched. */
  pathTest: ((path: string) => boolean) | undefined;
  /**
   * Nothing to test: reaching the entry is enough (the usual route, a path and
   * nothing else). Lookups then return it without reading its condition lists.
   */
  unconditional: boolean;
}

export function compileEntry(order: number, match: IRHttpMatch, result: RouteMatch, pathTest?: (path: string) => boolean): CompiledEntry {
  return {
    order,
    result,
    method: match.method,
    // The IR promises lowercase header names; lowercasing again costs nothing here.
    headers: match.headers.map((header) => compileValueCondition(header, header.name.toLowerCase())),
    queryParams: match.queryParams.map((param) => compileValueCondition(param, param.name)),
    pathTest,
    unconditional: pathTest === undefined && match.method === undefined && match.headers.length === 0 && match.queryParams.length === 0,
  };
}

function compileValueCondition(matcher: IRStringMatch, name: string): ValueCondition {
  if (matcher.type === 'Exact') return { name, exact: matcher.value, regex: undefined, never: false };
  const compiled = compileRegex(matcher.value);
  return compiled.ok
    ? { name, exact: undefined, regex: compiled.regex, never: false }
    : { name, exact: undefined, regex: undefined, never: true };
}

/**
 * The first entry of a position-sorted list that accepts the request, if it
 * comes before `best`; otherwise `best`. Entries at or after `best` are not
 * even tested.
 */
export function firstAccepted(list: readonly CompiledEntry[], req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined {
  const limit = best === undefined ? Infinity : best.order;
  for (const entry of list) {
    if (entry.order >= limit) break;
    if (entry.unconditional || accepts(entry, req)) return entry;
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
