// Route rule filters → the rule's IR action (HTTPRouteFilter, GRPCRouteFilter).
//
// - Filter types a route kind does not define, unknown enum values, and
//   combinations the spec forbids (RequestRedirect with URLRewrite, repeated
//   single-use filters) make the rule invalid: it is dropped (GEP-1364).
// - ExtensionRef names a kind Portico does not implement: ResolvedRefs=False
//   with InvalidKind and the rule answers 500 (GEP-1364, "custom filter not
//   supported"). The filter is never skipped (HTTPRouteFilter.type).
// - ExternalAuth is not implemented yet: reported the same way (reason
//   UnsupportedValue, as Envoy Gateway does for filters it cannot apply), and
//   the rule answers 500, so the filter fails closed as ExternalAuth requires.
import type { IRCors, IRHeaderEdits, IRMirror, IRPathRewrite } from '../ir/types.ts';
import type { HTTPHeaderFilter, HTTPPathModifier, HTTPRouteFilter, HTTPRouteMatch } from '../model/gatewayapi.ts';
import { resolveBackendRef } from './backendref.ts';
import { corsMaxAge, fractionDenominator, pathMatchOf, redirectStatusCode } from './defaults.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { BackendTarget, RouteInfo, RouteProblem, RuleAction } from './route-model.ts';
import { RouteReason } from './status/reasons.ts';

export interface FilterOutcome {
  action: Omit<RuleAction, 'backends' | 'timeouts' | 'retry'>;
  /** The rule is dropped when set. */
  invalid: RouteProblem | undefined;
  refProblems: RouteProblem[];
  mirrorBackends: BackendTarget[];
}

const HTTP_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS', 'ExternalAuth']);
const GRPC_FILTERS = new Set(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef']);
/** Filters that may appear at most once in a rule (HTTPRouteRule.filters). */
const SINGLE_USE = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'CORS'];
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

class InvalidRule extends Error {
  readonly problem: RouteProblem;
  constructor(reason: string, message: string) {
    super(message);
    this.problem = { reason, message };
  }
}

function unsupported(message: string): never {
  throw new InvalidRule(RouteReason.UnsupportedValue, message);
}

/**
 * A header modifier: set, add, remove. Only one action per header name is
 * permitted; several actions on one (case-insensitive) name make the filter
 * invalid (HTTPHeaderFilter).
 */
export function headerEdits(filter: HTTPHeaderFilter | undefined, what: string): IRHeaderEdits {
  if (filter === undefined) unsupported(`${what} filter without its ${what.charAt(0).toLowerCase()}${what.slice(1)} field`);
  const seen = new Set<string>();
  const claim = (name: string): string => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) unsupported(`${what}: header "${name}" is modified more than once`);
    seen.add(lower);
    return name;
  };
  return {
    set: (filter.set ?? []).map((h) => ({ name: claim(h.name), value: h.value })),
    add: (filter.add ?? []).map((h) => ({ name: claim(h.name), value: h.value })),
    remove: (filter.remove ?? []).map((name) => claim(name).toLowerCase()),
  };
}

function pathRewrite(modifier: HTTPPathModifier, matches: readonly HTTPRouteMatch[], what: string): IRPathRewrite {
  if (modifier.type === 'ReplaceFullPath') return { type: 'ReplaceFullPath', value: modifier.replaceFullPath ?? '/' };
  if (modifier.type === 'ReplacePrefixMatch') {
    // ReplacePrefixMatch is only compatible with PathPrefix matches (HTTPPathModifier.replacePrefixMatch).
    if (matches.some((m) => pathMatchOf(m).type !== 'PathPrefix')) unsupported(`${what} with ReplacePrefixMatch needs PathPrefix path matches only`);
    return { type: 'ReplacePrefixMatch', value: modifier.replacePrefixMatch ?? '' };
  }
  return unsupported(`${what} path type "${String(modifier.type)}" is not supported`);
}

function cors(filter: HTTPRouteFilter['cors']): IRCors {
  if (filter === undefined) unsupported('CORS filter without its cors field');
  return {
    allowOrigins: filter.allowOrigins ?? [],
    allowCredentials: filter.allowCredentials ?? false,
    allowMethods: (filter.allowMethods ?? []).map((m) => m.toUpperCase()),
    allowHeaders: filter.allowHeaders ?? [],
    exposeHeaders: filter.exposeHeaders ?? [],
    maxAgeSeconds: corsMaxAge(filter),
  };
}

/** RequestMirror share: percent, or fraction (denominator defaults to 100), or all requests. */
function mirrorShare(mirror: NonNullable<HTTPRouteFilter['requestMirror']>): { numerator: number; denominator: number } {
  if (mirror.percent !== undefined && mirror.fraction !== undefined) unsupported('RequestMirror takes percent or fraction, not both');
  if (mirror.percent !== undefined) {
    if (mirror.percent < 0 || mirror.percent > 100) unsupported(`RequestMirror percent ${mirror.percent} is not between 0 and 100`);
    return { numerator: mirror.percent, denominator: 100 };
  }
  if (mirror.fraction !== undefined) {
    const denominator = fractionDenominator(mirror.fraction);
    if (denominator < 1 || mirror.fraction.numerator < 0 || mirror.fraction.numerator > denominator) {
      unsupported(`RequestMirror fraction ${mirror.fraction.numerator}/${denominator} is not a fraction between 0 and 1`);
    }
    return { numerator: mirror.fraction.numerator, denominator };
  }
  return { numerator: 1, denominator: 1 };
}

/** Compiles a rule's filters; `matches` are the rule's HTTP matches (for ReplacePrefixMatch checks). */
export function compileFilters(
  filters: readonly HTTPRouteFilter[],
  matches: readonly HTTPRouteMatch[],
  route: RouteInfo,
  index: ResourceIndex,
): FilterOutcome {
  const outcome: FilterOutcome = { action: { mirrors: [] }, invalid: undefined, refProblems: [], mirrorBackends: [] };
  const allowed = route.kind === 'GRPCRoute' ? GRPC_FILTERS : HTTP_FILTERS;
  try {
    for (const filter of filters) {
      if (!allowed.has(filter.type)) unsupported(`filter type "${filter.type}" is not supported on ${route.kind}`);
    }
    for (const type of SINGLE_USE) {
      if (filters.filter((f) => f.type === type).length > 1) throw new InvalidRule(RouteReason.IncompatibleFilters, `the ${type} filter may be used once per rule`);
    }
    if (filters.some((f) => f.type === 'RequestRedirect') && filters.some((f) => f.type === 'URLRewrite')) {
      throw new InvalidRule(RouteReason.IncompatibleFilters, 'RequestRedirect and URLRewrite filters cannot be used together');
    }
    for (const filter of filters) applyFilter(filter, matches, route, index, outcome);
  } catch (error) {
    if (!(error instanceof InvalidRule)) throw error;
    outcome.invalid = error.problem;
  }
  return outcome;
}

function applyFilter(filter: HTTPRouteFilter, matches: readonly HTTPRouteMatch[], route: RouteInfo, index: ResourceIndex, outcome: FilterOutcome): void {
  const action = outcome.action;
  switch (filter.type) {
    case 'RequestHeaderModifier':
      action.requestHeaders = headerEdits(filter.requestHeaderModifier, 'RequestHeaderModifier');
      return;
    case 'ResponseHeaderModifier':
      action.responseHeaders = headerEdits(filter.responseHeaderModifier, 'ResponseHeaderModifier');
      return;
    case 'RequestRedirect': {
      const redirect = filter.requestRedirect ?? unsupported('RequestRedirect filter without its requestRedirect field');
      if (redirect.scheme !== undefined && redirect.scheme !== 'http' && redirect.scheme !== 'https') unsupported(`redirect scheme "${String(redirect.scheme)}" is not supported`);
      const statusCode = redirectStatusCode(redirect);
      if (!REDIRECT_CODES.has(statusCode)) unsupported(`redirect status code ${statusCode} is not supported`);
      action.redirect = {
        ...(redirect.scheme === undefined ? {} : { scheme: redirect.scheme }),
        ...(redirect.hostname === undefined ? {} : { hostname: redirect.hostname.toLowerCase() }),
        ...(redirect.path === undefined ? {} : { path: pathRewrite(redirect.path, matches, 'RequestRedirect') }),
        ...(redirect.port === undefined ? {} : { explicitPort: redirect.port }),
        statusCode: statusCode as 301 | 302 | 303 | 307 | 308,
      };
      return;
    }
    case 'URLRewrite': {
      const rewrite = filter.urlRewrite ?? unsupported('URLRewrite filter without its urlRewrite field');
      action.rewrite = {
        ...(rewrite.hostname === undefined ? {} : { hostname: rewrite.hostname.toLowerCase() }),
        ...(rewrite.path === undefined ? {} : { path: pathRewrite(rewrite.path, matches, 'URLRewrite') }),
      };
      return;
    }
    case 'RequestMirror': {
      const mirror = filter.requestMirror ?? unsupported('RequestMirror filter without its requestMirror field');
      const share = mirrorShare(mirror);
      const resolved = resolveBackendRef(mirror.backendRef, route, index);
      if (!resolved.ok) {
        // An unresolvable mirror is dropped and reported (HTTPRequestMirrorFilter.backendRef).
        outcome.refProblems.push({ reason: resolved.problem.reason, message: `RequestMirror: ${resolved.problem.message}` });
        return;
      }
      if (share.numerator === 0) return;
      const entry: IRMirror = { backend: resolved.backend.name, ...share };
      action.mirrors.push(entry);
      outcome.mirrorBackends.push(resolved.backend);
      return;
    }
    case 'CORS':
      action.cors = cors(filter.cors);
      return;
    case 'ExtensionRef': {
      const ref = filter.extensionRef;
      const what = ref === undefined ? 'ExtensionRef filter without its extensionRef field' : `ExtensionRef ${ref.group === '' ? 'core' : ref.group}/${ref.kind} ${ref.name}`;
      outcome.refProblems.push({ reason: RouteReason.InvalidKind, message: `${what}: Portico implements no extension filter kinds` });
      action.directResponse = { status: 500 };
      return;
    }
    case 'ExternalAuth':
      outcome.refProblems.push({ reason: RouteReason.UnsupportedValue, message: 'ExternalAuth filters are not supported yet: matching requests are answered with 500' });
      action.directResponse = { status: 500 };
      return;
    default:
      unsupported(`filter type "${String(filter.type)}" is not supported`);
  }
}

/**
 * Filters on one backendRef (HTTPBackendRef.filters, implementation-specific):
 * Portico applies RequestHeaderModifier and ResponseHeaderModifier per
 * backend. Any other filter there makes that backendRef unusable: its share
 * of requests is answered with an error and ResolvedRefs reports why.
 */
export function compileBackendRefFilters(
  filters: readonly { type: string; requestHeaderModifier?: HTTPHeaderFilter; responseHeaderModifier?: HTTPHeaderFilter }[],
): { ok: true; requestHeaders?: IRHeaderEdits; responseHeaders?: IRHeaderEdits } | { ok: false; problem: RouteProblem } {
  const result: { ok: true; requestHeaders?: IRHeaderEdits; responseHeaders?: IRHeaderEdits } = { ok: true };
  try {
    for (const filter of filters) {
      if (filter.type === 'RequestHeaderModifier' && result.requestHeaders === undefined) {
        result.requestHeaders = headerEdits(filter.requestHeaderModifier, 'RequestHeaderModifier');
      } else if (filter.type === 'ResponseHeaderModifier' && result.responseHeaders === undefined) {
        result.responseHeaders = headerEdits(filter.responseHeaderModifier, 'ResponseHeaderModifier');
      } else {
        unsupported(`backendRef filter ${filter.type} is not supported (only one RequestHeaderModifier and one ResponseHeaderModifier)`);
      }
    }
  } catch (error) {
    if (!(error instanceof InvalidRule)) throw error;
    return { ok: false, problem: error.problem };
  }
  return result;
}
