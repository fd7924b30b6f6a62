// What the router sees of a request, and what it answers. The HTTP engine
// builds a RouteRequest once per request (after normalizePath and Host
// normalisation) and hands it to the compiled router; `portico explain` hands
// the same shape to the reference matcher.
import type { IRHttpMatch, IRHttpRule, IRVirtualHost } from '../../ir/types.ts';

export interface RouteRequest {
  /** As received; HTTP methods are case-sensitive ("GET", not "get"). */
  method: string;
  /** Lowercase, without port and trailing dot (the engine normalises it). */
  host: string;
  /** The normalised path (see filters/path.ts normalizePath), without the query. */
  path: string;
  /** The raw query string without '?'; '' when absent. */
  query: string;
  /** Raw flat header array [name, value, name, value, ...] as received. */
  headers: readonly string[];
}

/** The winner of a lookup: shared, read-only objects straight from the IR. */
export interface RouteMatch {
  readonly vhost: IRVirtualHost;
  /** The match entry that won (its path is needed for ReplacePrefixMatch). */
  readonly match: IRHttpMatch;
  readonly rule: IRHttpRule;
}
