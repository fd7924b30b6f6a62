// HTTPRoute (apis/v1/httproute_types.go, v1.6.1, experimental channel: the
// standard channel's fields plus retry, sessionPersistence, ExternalAuth and
// useDefaultGateways). Rules that read defaulted fields apply the CRD default
// themselves: the loader passes objects through as written.
import type { HTTPRoute, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule } from '../../model/gatewayapi.ts';
import type { Assert, Infer, Rule, Same } from './dsl.ts';
import { bool, int, list, obj, oneOf, req, str, stringEnum } from './dsl.ts';
import {
  backendObjectReference,
  backendRefProps,
  duration,
  filterTypeRules,
  headerFilter,
  hostname,
  localObjectReference,
  notRepeated,
  parentRefs,
  port,
  preciseHostname,
  requestMirror,
  ruleName,
  servicePortRule,
  sessionPersistence,
  uniqueRuleNames,
  useDefaultGateways,
} from './common.ts';
import { metadata } from './meta.ts';
import { CORS_ORIGIN, durationMs, HEADER_NAME, HEADER_VALUE, URL_PATH } from './patterns.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

// ---------------------------------------------------------------- matches

/** Path rules that apply to Exact and PathPrefix values (HTTPPathMatch CEL rules). */
const PATH_VALUE_RULES: { problem: (value: string) => boolean; message: string }[] = [
  { problem: (v) => !v.startsWith('/'), message: "must be an absolute path starting with '/'" },
  { problem: (v) => v.includes('//'), message: "must not contain '//'" },
  { problem: (v) => v.includes('/./'), message: "must not contain '/./'" },
  { problem: (v) => v.includes('/../'), message: "must not contain '/../'" },
  { problem: (v) => v.includes('%2f') || v.includes('%2F'), message: "must not contain an encoded '/' (%2f or %2F)" },
  { problem: (v) => v.includes('#'), message: "must not contain '#'" },
  { problem: (v) => v.endsWith('/..'), message: "must not end with '/..'" },
  { problem: (v) => v.endsWith('/.'), message: "must not end with '/.'" },
  { problem: (v) => !URL_PATH.re.test(v), message: `must contain only URL path characters (${URL_PATH.describe})` },
];

const pathMatch = obj(
  { type: oneOf(['Exact', 'PathPrefix', 'RegularExpression']), value: str({ max: 1024 }) },
  {
    rules: PATH_VALUE_RULES.map(({ problem, message }) => ({
      message: (p: { type?: string }) => `${message} when type is ${p.type ?? 'PathPrefix'}`,
      valid: (p: { type?: string; value?: string }) => (p.type ?? 'PathPrefix') === 'RegularExpression' || !problem(p.value ?? '/'),
      at: () => ['value'],
    })),
  },
);

const headerMatch = obj({
  type: oneOf(['Exact', 'RegularExpression']),
  name: req(str({ min: 1, max: 256, pattern: HEADER_NAME })),
  value: req(str({ min: 1, max: 4096, pattern: HEADER_VALUE })),
});

const queryParamMatch = obj({
  type: oneOf(['Exact', 'RegularExpression']),
  name: req(str({ min: 1, max: 256, pattern: HEADER_NAME })),
  value: req(str({ min: 1, max: 1024 })),
});

const routeMatch = obj({
  path: pathMatch,
  headers: list(headerMatch, { max: 16, unique: ['name'] }),
  queryParams: list(queryParamMatch, { max: 16, unique: ['name'] }),
  method: stringEnum(METHODS),
});
export type HTTPRouteMatchMatchesModel = Assert<Same<Infer<typeof routeMatch>, HTTPRouteMatch>>;

// ---------------------------------------------------------------- filters

const pathModifier = obj(
  {
    type: req(oneOf(['ReplaceFullPath', 'ReplacePrefixMatch'])),
    replaceFullPath: str({ max: 1024 }),
    replacePrefixMatch: str({ max: 1024 }),
  },
  {
    rules: [
      { message: 'replaceFullPath is required when type is ReplaceFullPath', valid: (p) => p.type !== 'ReplaceFullPath' || p.replaceFullPath !== undefined, at: () => ['replaceFullPath'] },
      { message: 'replaceFullPath is only allowed when type is ReplaceFullPath', valid: (p) => p.replaceFullPath === undefined || p.type === 'ReplaceFullPath', at: () => ['replaceFullPath'] },
      { message: 'replacePrefixMatch is required when type is ReplacePrefixMatch', valid: (p) => p.type !== 'ReplacePrefixMatch' || p.replacePrefixMatch !== undefined, at: () => ['replacePrefixMatch'] },
      { message: 'replacePrefixMatch is only allowed when type is ReplacePrefixMatch', valid: (p) => p.replacePrefixMatch === undefined || p.type === 'ReplacePrefixMatch', at: () => ['replacePrefixMatch'] },
    ],
  },
);

const requestRedirect = obj({
  scheme: oneOf(['http', 'https']),
  hostname: preciseHostname,
  path: pathModifier,
  port,
  statusCode: oneOf([301, 302, 303, 307, 308]),
});

const urlRewrite = obj({ hostname: preciseHostname, path: pathModifier });

/** A list in which "*" must stand alone (CORS allowOrigins, allowMethods, allowHeaders). */
function wildcardAlone(what: string): Rule<string[]> {
  return { message: `"*" must be the only entry in ${what} when present`, valid: (items) => !(items.includes('*') && items.length > 1) };
}

const corsHeader = str({ min: 1, max: 256, pattern: HEADER_NAME });

const cors = obj({
  allowOrigins: list(str({ min: 1, max: 253, pattern: CORS_ORIGIN }), { max: 64, unique: 'set', rules: [wildcardAlone('allowOrigins')] }),
  allowCredentials: bool(),
  allowMethods: list(stringEnum([...METHODS, '*']), { max: 9, unique: 'set', rules: [wildcardAlone('allowMethods')] }),
  allowHeaders: list(corsHeader, { max: 64, unique: 'set', rules: [wildcardAlone('allowHeaders')] }),
  exposeHeaders: list(corsHeader, { max: 64, unique: 'set' }),
  maxAge: int({ min: 1 }),
});

const headerList = list(str(), { max: 64, unique: 'set' });

const externalAuth = obj(
  {
    protocol: req(oneOf(['HTTP', 'GRPC'])),
    backendRef: req(backendObjectReference),
    grpc: obj({ allowedHeaders: headerList }),
    http: obj({ path: str({ max: 1024, pattern: URL_PATH }), allowedHeaders: headerList, allowedResponseHeaders: headerList }),
    forwardBody: obj({ maxSize: int() }),
  },
  {
    rules: [
      { message: 'grpc is required when protocol is GRPC', valid: (a) => a.protocol !== 'GRPC' || a.grpc !== undefined, at: () => ['grpc'] },
      { message: 'grpc is only allowed when protocol is GRPC', valid: (a) => a.grpc === undefined || a.protocol === 'GRPC', at: () => ['grpc'] },
      { message: 'http is required when protocol is HTTP', valid: (a) => a.protocol !== 'HTTP' || a.http !== undefined, at: () => ['http'] },
      { message: 'http is only allowed when protocol is HTTP', valid: (a) => a.http === undefined || a.protocol === 'HTTP', at: () => ['http'] },
    ],
  },
);

const filterTypes = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS', 'ExternalAuth'] as const;

const filter = obj(
  {
    type: req(oneOf(filterTypes)),
    requestHeaderModifier: headerFilter,
    responseHeaderModifier: headerFilter,
    requestMirror,
    requestRedirect,
    urlRewrite,
    cors,
    externalAuth,
    extensionRef: localObjectReference,
  },
  {
    rules: filterTypeRules<HTTPRouteFilter>({
      RequestHeaderModifier: 'requestHeaderModifier',
      ResponseHeaderModifier: 'responseHeaderModifier',
      RequestMirror: 'requestMirror',
      RequestRedirect: 'requestRedirect',
      URLRewrite: 'urlRewrite',
      ExtensionRef: 'extensionRef',
      CORS: 'cors',
      ExternalAuth: 'externalAuth',
    }),
  },
);
export type HTTPRouteFilterMatchesModel = Assert<Same<Infer<typeof filter>, HTTPRouteFilter>>;

const filters = list(filter, {
  max: 16,
  rules: [
    {
      message: 'RequestRedirect and URLRewrite filters cannot be used together',
      valid: (fs) => !(fs.some((f) => f.type === 'RequestRedirect') && fs.some((f) => f.type === 'URLRewrite')),
    },
    notRepeated('CORS'),
    notRepeated('RequestHeaderModifier'),
    notRepeated('ResponseHeaderModifier'),
    notRepeated('RequestRedirect'),
    notRepeated('URLRewrite'),
  ],
});

// ---------------------------------------------------------------- rules

const DEFAULT_MATCHES: HTTPRouteMatch[] = [{ path: { type: 'PathPrefix', value: '/' } }];

function usesPrefixReplace(fs: HTTPRouteFilter[] | undefined, field: 'requestRedirect' | 'urlRewrite'): boolean {
  return (fs ?? []).some((f) => f[field]?.path?.type === 'ReplacePrefixMatch' && f[field]?.path?.replacePrefixMatch !== undefined);
}

/** ReplacePrefixMatch needs exactly one match, of type PathPrefix (both defaulted when absent). */
function onePrefixMatch(rule: HTTPRouteRule): boolean {
  const matches = rule.matches ?? DEFAULT_MATCHES;
  return matches.length === 1 && (matches[0]?.path?.type ?? 'PathPrefix') === 'PathPrefix';
}

function prefixReplaceRule(field: 'requestRedirect' | 'urlRewrite', where: 'rule' | 'backendRefs'): Rule<HTTPRouteRule> {
  const filterName = field === 'requestRedirect' ? 'RequestRedirect' : 'URLRewrite';
  // The CRD's rule for backendRefs uses exists_one, so two backendRefs with
  // such filters slip through it; Portico checks every backendRef.
  const uses =
    where === 'rule'
      ? (r: HTTPRouteRule) => usesPrefixReplace(r.filters, field)
      : (r: HTTPRouteRule) => (r.backendRefs ?? []).some((b) => usesPrefixReplace(b.filters, field));
  const scope = where === 'rule' ? '' : ' in a backendRef';
  return {
    message: `a ${filterName} filter${scope} with path.replacePrefixMatch requires exactly one match, with a PathPrefix path`,
    valid: (r) => !uses(r) || onePrefixMatch(r),
    at: () => ['matches'],
  };
}

const backendRef = obj({ ...backendRefProps, filters }, { rules: [servicePortRule] });

const timeouts = obj(
  { request: duration, backendRequest: duration },
  {
    rules: [
      {
        message: 'backendRequest must not be longer than request (unless request is 0, no timeout)',
        valid: (t) => t.request === undefined || t.backendRequest === undefined || durationMs(t.request) === 0 || durationMs(t.backendRequest) <= durationMs(t.request),
        at: () => ['backendRequest'],
      },
    ],
  },
);

const retry = obj({
  codes: list(int({ min: 400, max: 599 }), { unique: 'set' }),
  attempts: int({ min: 1 }),
  backoff: duration,
});

const rule = obj(
  {
    name: ruleName,
    matches: list(routeMatch, { max: 64 }),
    filters,
    backendRefs: list(backendRef, { max: 16 }),
    timeouts,
    retry,
    sessionPersistence,
  },
  {
    rules: [
      {
        message: 'a RequestRedirect filter cannot be used together with backendRefs',
        valid: (r) => (r.backendRefs ?? []).length === 0 || !(r.filters ?? []).some((f) => f.requestRedirect !== undefined),
        at: () => ['filters'],
      },
      prefixReplaceRule('requestRedirect', 'rule'),
      prefixReplaceRule('urlRewrite', 'rule'),
      prefixReplaceRule('requestRedirect', 'backendRefs'),
      prefixReplaceRule('urlRewrite', 'backendRefs'),
    ],
  },
);
export type HTTPRouteRuleMatchesModel = Assert<Same<Infer<typeof rule>, HTTPRouteRule>>;

const MAX_TOTAL_MATCHES = 128;

const spec = obj({
  parentRefs,
  useDefaultGateways,
  hostnames: list(hostname, { max: 16 }),
  rules: list(rule, {
    min: 1,
    max: 16,
    rules: [
      {
        message: `a route may have at most ${MAX_TOTAL_MATCHES} matches across all its rules (a rule without matches counts as one)`,
        valid: (rules) => rules.reduce((sum, r) => sum + (r.matches ?? DEFAULT_MATCHES).length, 0) <= MAX_TOTAL_MATCHES,
      },
      uniqueRuleNames(),
    ],
  }),
});

export const httpRoute = obj(
  { apiVersion: req(str()), kind: req(oneOf(['HTTPRoute'])), metadata: req(metadata.subdomain), spec: req(spec) },
  { drop: ['status'] },
);
export type HTTPRouteMatchesModel = Assert<Same<Infer<typeof httpRoute>, Omit<HTTPRoute, 'status'>>>;
