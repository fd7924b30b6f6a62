// The reference matcher: the Gateway API's matching rules written as plainly
// as possible, one loop and one condition at a time. It is the executable
// specification the compiled router (compile.ts) is tested against, and it
// powers `portico explain`. Speed is not a goal here; obviousness is.
import type { IRHttpMatch, IRHttpPort, IRStringMatch, IRVirtualHost } from '../../ir/types.ts';
import { compileRegex } from '../../lib/regex.ts';
import type { RouteMatch, RouteRequest } from './request.ts';
import { firstQueryParamValue, requestHeaderValue } from './request-values.ts';

/** How a virtual host was chosen for the request's Host. */
export type HostSelection = 'exact' | 'wildcard' | 'any' | 'none';

export interface ConsideredHost {
  hostname: string;
  listener: string;
  /** selected; matches-but-less-specific (another pattern won); no-match. */
  outcome: 'selected' | 'less-specific' | 'no-match';
}

/** The first condition of a match entry that the request did not meet. */
export type ConditionFailure =
  | { condition: 'path'; type: IRHttpMatch['path']['type']; expected: string; actual: string; error?: string }
  | { condition: 'method'; expected: string; actual: string }
  | { condition: 'header'; name: string; type: IRStringMatch['type']; expected: string; actual: string | null; error?: string }
  | { condition: 'queryParam'; name: string; type: IRStringMatch['type']; expected: string; actual: string | null; error?: string };

export interface MatchExplanation {
  /** Position in the virtual host's `matches` (precedence order). */
  index: number;
  /** The rule's stable name, e.g. "httproute/default/web/rule/0". */
  rule: string;
  path: IRHttpMatch['path'];
  matched: boolean;
  /** Why not, when `matched` is false. */
  failed?: ConditionFailure;
}

/** Why a request reaches what it reaches: plain data, JSON-friendly. */
export interface RouteExplanation {
  request: { method: string; host: string; path: string; query: string };
  virtualHost: {
    selection: HostSelection;
    /** The selected pattern, null when none matched the Host (404). */
    hostname: string | null;
    listener: string | null;
    considered: ConsideredHost[];
  };
  /** The selected host's match entries in order, up to and including the winner. */
  matches: MatchExplanation[];
  /** The winner, null for 404. */
  result: { matchIndex: number; rule: string; ruleIndex: number } | null;
}

/** The route a request reaches, or undefined (404). */
export function referenceRoute(port: IRHttpPort, req: RouteRequest): RouteMatch | undefined {
  const vhost = selectVirtualHost(port, req.host).vhost;
  if (vhost === undefined) return undefined;
  for (const match of vhost.matches) {
    if (firstFailedCondition(match, req) === undefined) return { vhost, match, rule: ruleOf(port, match) };
  }
  return undefined;
}

export function explainRoute(port: IRHttpPort, req: RouteRequest): RouteExplanation {
  const { vhost, selection } = selectVirtualHost(port, req.host);
  const considered = port.virtualHosts.map((candidate): ConsideredHost => ({
    hostname: candidate.hostname,
    listener: candidate.listener,
    outcome: candidate === vhost ? 'selected' : hostMatches(candidate.hostname, req.host) ? 'less-specific' : 'no-match',
  }));
  const explanation: RouteExplanation = {
    request: { method: req.method, host: req.host, path: req.path, query: req.query },
    virtualHost: { selection, hostname: vhost?.hostname ?? null, listener: vhost?.listener ?? null, considered },
    matches: [],
    result: null,
  };
  if (vhost === undefined) return explanation;
  for (const [index, match] of vhost.matches.entries()) {
    const rule = ruleOf(port, match);
    const failed = firstFailedCondition(match, req);
    if (failed !== undefined) {
      explanation.matches.push({ index, rule: rule.name, path: match.path, matched: false, failed });
      continue;
    }
    explanation.matches.push({ index, rule: rule.name, path: match.path, matched: true });
    explanation.result = { matchIndex: index, rule: rule.name, ruleIndex: match.rule };
    break;
  }
  return explanation;
}

/**
 * Host selection (IRHttpPort.virtualHosts): an exact hostname first, then the
 * longest wildcard pattern that matches, then "*".
 */
function selectVirtualHost(port: IRHttpPort, host: string): { vhost: IRVirtualHost | undefined; selection: HostSelection } {
  const exact = port.virtualHosts.find((v) => isExactPattern(v.hostname) && v.hostname === host);
  if (exact !== undefined) return { vhost: exact, selection: 'exact' };
  let best: IRVirtualHost | undefined;
  for (const candidate of port.virtualHosts) {
    if (!isWildcard(candidate.hostname) || !hostMatches(candidate.hostname, host)) continue;
    if (best === undefined || candidate.hostname.length > best.hostname.length) best = candidate;
  }
  if (best !== undefined) return { vhost: best, selection: 'wildcard' };
  const any = port.virtualHosts.find((v) => v.hostname === '*');
  return any === undefined ? { vhost: undefined, selection: 'none' } : { vhost: any, selection: 'any' };
}

function isWildcard(pattern: string): boolean {
  return pattern.startsWith('*.');
}

function isExactPattern(pattern: string): boolean {
  return pattern !== '*' && !isWildcard(pattern);
}

/** "*.example.com" covers one or more labels before ".example.com", never "example.com" itself. */
function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (!isWildcard(pattern)) return pattern === host;
  const suffix = pattern.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

/** The first condition of `match` the request fails, in the order path, method, headers, query params. */
function firstFailedCondition(match: IRHttpMatch, req: RouteRequest): ConditionFailure | undefined {
  const pathFailure = pathFailureOf(match.path, req.path);
  if (pathFailure !== undefined) return pathFailure;
  if (match.method !== undefined && match.method !== req.method) {
    return { condition: 'method', expected: match.method, actual: req.method };
  }
  for (const header of match.headers) {
    const actual = requestHeaderValue(req.headers, header.name.toLowerCase());
    const result = valueMatches(header, actual);
    if (result !== true) return { condition: 'header', name: header.name, type: header.type, expected: header.value, actual: actual ?? null, ...result };
  }
  for (const param of match.queryParams) {
    const actual = firstQueryParamValue(req.query, param.name);
    const result = valueMatches(param, actual);
    if (result !== true) return { condition: 'queryParam', name: param.name, type: param.type, expected: param.value, actual: actual ?? null, ...result };
  }
  return undefined;
}

function pathFailureOf(pathMatch: IRHttpMatch['path'], path: string): ConditionFailure | undefined {
  const failure = (error?: string): ConditionFailure => ({
    condition: 'path', type: pathMatch.type, expected: pathMatch.value, actual: path, ...(error === undefined ? {} : { error }),
  });
  switch (pathMatch.type) {
    case 'Exact':
      return path === pathMatch.value ? undefined : failure();
    case 'PathPrefix':
      return prefixMatches(pathMatch.value, path) ? undefined : failure();
    case 'RegularExpression': {
      const compiled = compileRegex(pathMatch.value);
      if (!compiled.ok) return failure(`invalid regular expression: ${compiled.error}`);
      return compiled.regex.test(path) ? undefined : failure();
    }
  }
}

/**
 * PathPrefix matches whole path elements: "/abc" matches "/abc", "/abc/" and
 * "/abc/def" but not "/abcd"; a trailing "/" in the prefix is ignored
 * (HTTPPathMatch, PathMatchPathPrefix). So "/" matches every path.
 */
function prefixMatches(prefix: string, path: string): boolean {
  const element = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (element === '') return path.startsWith('/');
  return path === element || path.startsWith(`${element}/`);
}

/** Exact or full-match regular expression comparison of a present value; an absent value never matches. */
function valueMatches(matcher: IRStringMatch, actual: string | undefined): true | { error?: string } {
  if (actual === undefined) return {};
  if (matcher.type === 'Exact') return actual === matcher.value ? true : {};
  const compiled = compileRegex(matcher.value);
  if (!compiled.ok) return { error: `invalid regular expression: ${compiled.error}` };
  return compiled.regex.test(actual) ? true : {};
}

function ruleOf(port: IRHttpPort, match: IRHttpMatch): IRHttpPort['rules'][number] {
  const rule = port.rules[match.rule];
  if (rule === undefined) throw new Error(`IR bug: match refers to rule ${match.rule}, port ${port.name} has ${port.rules.length}`);
  return rule;
}
