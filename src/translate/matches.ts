// HTTPRouteMatch and GRPCRouteMatch → IR matches, with the precedence key
// each route kind's spec defines (HTTPRouteRule.matches, GRPCRouteRule.matches).
// Unknown enum values and invalid regular expressions make the rule invalid
// (Accepted/PartiallyInvalid with reason UnsupportedValue).
import type { IRPathMatchType, IRStringMatch } from '../ir/types.ts';
import type { GRPCRouteMatch, HTTPHeaderMatch, HTTPQueryParamMatch, HTTPRouteMatch } from '../model/gatewayapi.ts';
import { grpcMethodMatchType, pathMatchOf, stringMatchType } from './defaults.ts';
import type { RegexCheck } from './regex-cache.ts';
import type { CompiledMatch, RouteProblem } from './route-model.ts';
import { RouteReason } from './status/reasons.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * Path types in precedence order. The spec ranks Exact over PathPrefix and
 * leaves RegularExpression to implementations: like Envoy Gateway, Portico
 * puts it between them (Exact, then RegularExpression, then PathPrefix;
 * longer values first within each).
 */
const PATH_RANK: Record<IRPathMatchType, number> = { Exact: 0, RegularExpression: 1, PathPrefix: 2 };

export type MatchResult = { ok: true; match: CompiledMatch } | { ok: false; problem: RouteProblem };

function unsupported(message: string): { ok: false; problem: RouteProblem } {
  return { ok: false, problem: { reason: RouteReason.UnsupportedValue, message } };
}

/**
 * Header or query matches: the first entry for a name counts, later ones with
 * an equivalent name are ignored (HTTPHeaderMatch.name). Header names compare
 * case-insensitively and are lowercased; query names are exact.
 */
function stringMatches(
  entries: readonly (HTTPHeaderMatch | HTTPQueryParamMatch)[],
  what: 'header' | 'query parameter',
  regex: RegexCheck,
): { ok: true; matches: IRStringMatch[] } | { ok: false; problem: RouteProblem } {
  const seen = new Set<string>();
  const matches: IRStringMatch[] = [];
  for (const entry of entries) {
    const name = what === 'header' ? entry.name.toLowerCase() : entry.name;
    if (seen.has(name)) continue;
    seen.add(name);
    const type = stringMatchType(entry);
    if (type !== 'Exact' && type !== 'RegularExpression') return unsupported(`${what} match type "${type}" is not supported`);
    if (type === 'RegularExpression') {
      const error = regex(entry.value);
      if (error !== undefined) return unsupported(`${what} ${entry.name}: invalid regular expression "${entry.value}": ${error}`);
    }
    matches.push({ name, type, value: entry.value });
  }
  return { ok: true, matches };
}

export function compileHttpMatch(match: HTTPRouteMatch, regex: RegexCheck): MatchResult {
  const path = pathMatchOf(match);
  if (path.type !== 'Exact' && path.type !== 'PathPrefix' && path.type !== 'RegularExpression') {
    return unsupported(`path match type "${path.type}" is not supported`);
  }
  if (path.type === 'RegularExpression') {
    const error = regex(path.value);
    if (error !== undefined) return unsupported(`path: invalid regular expression "${path.value}": ${error}`);
  } else if (!path.value.startsWith('/')) {
    return unsupported(`path "${path.value}" must start with "/"`);
  }
  if (match.method !== undefined && !METHODS.has(match.method)) return unsupported(`method "${match.method}" is not supported`);
  const headers = stringMatches(match.headers ?? [], 'header', regex);
  if (!headers.ok) return headers;
  const queryParams = stringMatches(match.queryParams ?? [], 'query parameter', regex);
  if (!queryParams.ok) return queryParams;
  const type: IRPathMatchType = path.type;
  return {
    ok: true,
    match: {
      ir: {
        path: { type, value: path.value },
        ...(match.method === undefined ? {} : { method: match.method }),
        headers: headers.matches,
        queryParams: queryParams.matches,
      },
      // HTTPRouteRule.matches precedence: path type, path length, method, headers, query params.
      precedence: [PATH_RANK[type], -path.value.length, match.method === undefined ? 1 : 0, -headers.matches.length, -queryParams.matches.length],
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * A gRPC method match becomes a path match on "/<service>/<method>": Exact
 * service and method → Exact path; service only → PathPrefix "/<service>";
 * method only or RegularExpression → a regular expression over the path.
 */
export function compileGrpcMatch(match: GRPCRouteMatch, regex: RegexCheck): MatchResult {
  const headers = stringMatches(match.headers ?? [], 'header', regex);
  if (!headers.ok) return headers;
  const method = match.method;
  const service = method?.service === '' ? undefined : method?.service;
  const name = method?.method === '' ? undefined : method?.method;
  let path: { type: IRPathMatchType; value: string } = { type: 'PathPrefix', value: '/' };
  if (method !== undefined) {
    const type = grpcMethodMatchType(method);
    if (type !== 'Exact' && type !== 'RegularExpression') return unsupported(`gRPC method match type "${type}" is not supported`);
    if (service === undefined && name === undefined) return unsupported('a gRPC method match needs a service, a method or both');
    if (type === 'Exact') {
      if (service?.includes('/') === true || name?.includes('/') === true) return unsupported('gRPC service and method names must not contain "/"');
      if (service !== undefined && name !== undefined) path = { type: 'Exact', value: `/${service}/${name}` };
      else if (service !== undefined) path = { type: 'PathPrefix', value: `/${service}` };
      else path = { type: 'RegularExpression', value: `/[^/]+/${escapeRegex(name ?? '')}` };
    } else {
      for (const part of [service, name]) {
        const error = part === undefined ? undefined : regex(part);
        if (error !== undefined) return unsupported(`gRPC method match: invalid regular expression "${part}": ${error}`);
      }
      path = { type: 'RegularExpression', value: `/(?:${service ?? '[^/]+'})/(?:${name ?? '[^/]+'})` };
      const error = regex(path.value);
      if (error !== undefined) return unsupported(`gRPC method match: invalid regular expression: ${error}`);
    }
  }
  return {
    ok: true,
    match: {
      ir: { path, headers: headers.matches, queryParams: [] },
      // GRPCRouteRule.matches precedence: characters in the service, then in the method, then header matches.
      precedence: [-(service?.length ?? 0), -(name?.length ?? 0), -headers.matches.length],
    },
  };
}
