// The CORS filter (HTTPCORSFilter). A request with an Origin header that the
// filter allows either is a preflight (OPTIONS with
// Access-Control-Request-Method), answered here without reaching the backend,
// or an actual request, whose response gets the CORS headers added.
//
// Open choices, decided as Envoy Gateway's CORS filter behaves:
// - an allowed Origin is always echoed in Access-Control-Allow-Origin, never
//   "*" (the spec allows either without credentials and requires the echo
//   with them), and "Vary: Origin" goes with it so caches keep answers for
//   different origins apart;
// - a preflight from an origin that is not allowed is answered 200 without
//   CORS headers (so the browser refuses) instead of being forwarded;
// - the preflight answer is 200 with no body, and carries the same
//   Allow-Credentials and Expose-Headers as actual responses.
import type { IRCors } from '../../ir/types.ts';
import { requestHeaderValue } from '../router/request-values.ts';

export type CorsDecision =
  /** Answer the preflight now with this status, these headers and no body. */
  | { kind: 'preflight'; status: number; headers: string[] }
  /** Proxy as usual and add these headers to the backend's response. */
  | { kind: 'actual'; addResponseHeaders: string[] }
  /** Not a CORS request, or the origin is not allowed: proxy untouched. */
  | { kind: 'none' };

const PREFLIGHT_STATUS = 200;
const NONE: CorsDecision = Object.freeze({ kind: 'none' });

interface OriginPattern {
  scheme: string;
  /** Exact lowercase host, or a suffix when `wildcard` (".example.com"; "" for a lone "*"). */
  host: string;
  wildcard: boolean;
  port: string;
}

interface CompiledCors {
  anyOrigin: boolean;
  origins: OriginPattern[];
  credentials: boolean;
  /** "GET, PUT", or undefined for "*" (echo the requested method). */
  methods: string | undefined;
  /** "x-a, x-b", undefined for "*" (echo the requested headers), '' for none. */
  allowHeaders: string | undefined;
  exposeHeaders: string;
  maxAge: string;
}

const compiledPolicies = new WeakMap<IRCors, CompiledCors>();

/** Decides what the CORS filter does for a request with this method and raw flat headers. */
export function corsDecision(method: string, headers: readonly string[], cors: IRCors): CorsDecision {
  const origin = requestHeaderValue(headers, 'origin');
  if (origin === undefined) return NONE;
  const policy = compile(cors);
  const requestedMethod = method === 'OPTIONS' ? requestHeaderValue(headers, 'access-control-request-method') : undefined;
  const preflight = requestedMethod !== undefined;
  if (!originAllowed(policy, origin)) return preflight ? { kind: 'preflight', status: PREFLIGHT_STATUS, headers: [] } : NONE;

  const out = ['access-control-allow-origin', origin, 'vary', 'Origin'];
  if (policy.credentials) out.push('access-control-allow-credentials', 'true');
  if (policy.exposeHeaders !== '') out.push('access-control-expose-headers', policy.exposeHeaders);
  if (!preflight) return { kind: 'actual', addResponseHeaders: out };

  // allowMethods/allowHeaders "*": echo what the browser asked for, which is
  // right with or without credentials (the spec forbids "*" with them).
  const methods = policy.methods ?? requestedMethod;
  if (methods !== '') out.push('access-control-allow-methods', methods);
  const requestedHeaders = requestHeaderValue(headers, 'access-control-request-headers');
  const allowHeaders = policy.allowHeaders ?? requestedHeaders;
  if (allowHeaders !== undefined && allowHeaders !== '') out.push('access-control-allow-headers', allowHeaders);
  out.push('access-control-max-age', policy.maxAge);
  return { kind: 'preflight', status: PREFLIGHT_STATUS, headers: out };
}

function compile(cors: IRCors): CompiledCors {
  let compiled = compiledPolicies.get(cors);
  if (compiled === undefined) {
    const wildcardMethods = cors.allowMethods.includes('*');
    const wildcardHeaders = cors.allowHeaders.includes('*');
    compiled = {
      anyOrigin: cors.allowOrigins.includes('*'),
      origins: cors.allowOrigins.flatMap((origin) => parseOrigin(origin, true) ?? []),
      credentials: cors.allowCredentials,
      methods: wildcardMethods ? undefined : cors.allowMethods.join(', '),
      allowHeaders: wildcardHeaders ? undefined : cors.allowHeaders.join(', '),
      // "*" exposes every header, but not when credentials are allowed (the
      // spec forbids it then): list the named ones only.
      exposeHeaders: cors.exposeHeaders.filter((name) => !(cors.allowCredentials && name === '*')).join(', '),
      maxAge: String(cors.maxAgeSeconds),
    };
    compiledPolicies.set(cors, compiled);
  }
  return compiled;
}

/**
 * Origin matching per HTTPCORSFilter.AllowOrigins: scheme, host and port must
 * agree, a missing port is the scheme's default (80/443), and "*" in the host
 * stands for any number of labels to its left ("https://*.bar.com" allows
 * "https://a.b.bar.com" but not "https://bar.com"). Compared
 * case-insensitively, as origins are serialised lowercase by browsers.
 */
function originAllowed(policy: CompiledCors, origin: string): boolean {
  if (policy.anyOrigin) return true;
  const parsed = parseOrigin(origin, false);
  if (parsed === undefined) return false;
  return policy.origins.some((pattern) =>
    pattern.scheme === parsed.scheme
    && pattern.port === parsed.port
    && (pattern.wildcard
      ? parsed.host.length > pattern.host.length && parsed.host.endsWith(pattern.host)
      : pattern.host === parsed.host));
}

/** "scheme://host[:port]" → parts; `allowWildcard` lets a host start with "*" (configured patterns only). */
function parseOrigin(text: string, allowWildcard: boolean): OriginPattern | undefined {
  const match = /^(https?):\/\/(\[[^\]]*\]|[^:/]+)(?::(\d{1,5}))?$/i.exec(text);
  if (match === null) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  let host = (match[2] as string).toLowerCase();
  const port = match[3] ?? (scheme === 'https' ? '443' : '80');
  let wildcard = false;
  if (allowWildcard && host.startsWith('*')) {
    if (host !== '*' && !host.startsWith('*.')) return undefined;
    wildcard = true;
    host = host.slice(1);
  }
  return { scheme, host, wildcard, port: String(Number(port)) };
}
