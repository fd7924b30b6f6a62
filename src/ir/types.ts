// The IR: the data plane's whole contract. Plain, JSON-serialisable data, one
// IRGateway per Gateway. translate() writes it; the data plane reads nothing
// else. Names are stable paths (e.g. "httproute/default/web/rule/0") reused as
// metric labels, in `/config` dumps and in `portico explain`.
//
// Invariants translate() guarantees (checked by validateIR in ./validate.ts):
// - every backend name used by a rule or mirror exists in the gateway's
//   `backends`;
// - every `rule` index in a match is within its port's `rules`;
// - hostnames are lowercase; header and query names in matches are as the
//   user wrote them, header names compared case-insensitively (lowercased in IR);
// - virtual hosts on a port have distinct hostnames.

export interface IR {
  gateways: IRGateway[];
}

export interface IRGateway {
  /** "gateway/<namespace>/<name>" */
  name: string;
  namespace: string;
  gatewayName: string;
  ports: IRPort[];
  /** Backend clusters referenced by this gateway's rules and mirrors, by name. */
  backends: Record<string, IRBackend>;
}

export type IRPort = IRHttpPort;

// ---------------------------------------------------------------- HTTP

export interface IRHttpPort {
  kind: 'http';
  /** "gateway/<ns>/<name>/port/<port>" */
  name: string;
  port: number;
  /**
   * One entry per distinct host pattern. A request's Host selects one entry:
   * exact hostname first, then the longest matching wildcard ("*.example.com"
   * matches any name ending in ".example.com"), then "*" (any host). No entry
   * selected → 404. Each entry's `matches` already hold, in precedence order,
   * every match that applies to hosts of that pattern (including matches of
   * routes with less specific hostnames on the same listener).
   */
  virtualHosts: IRVirtualHost[];
  /** Actions, shared by the matches of all virtual hosts on this port. */
  rules: IRHttpRule[];
}

export interface IRVirtualHost {
  /** "foo.example.com", "*.example.com" or "*". Lowercase. */
  hostname: string;
  /** The listener that serves these hosts: "gateway/<ns>/<name>/listener/<sectionName>". */
  listener: string;
  /** First match wins. */
  matches: IRHttpMatch[];
}

export type IRPathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression';

export interface IRPathMatch {
  type: IRPathMatchType;
  /** For PathPrefix, as written (a trailing "/" is ignored when matching). */
  value: string;
}

export interface IRStringMatch {
  /** Header names lowercase; query parameter names exact (case-sensitive). */
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface IRHttpMatch {
  path: IRPathMatch;
  /** Upper-case method, or absent for any. */
  method?: string;
  headers: IRStringMatch[];
  queryParams: IRStringMatch[];
  /** Index into the port's `rules`. */
  rule: number;
}

export interface IRHeader {
  name: string;
  value: string;
}

/** A RequestHeaderModifier or ResponseHeaderModifier: applied as set, then add, then remove. */
export interface IRHeaderEdits {
  /** Replace (or create) these headers. */
  set: IRHeader[];
  /** Append these headers (a new value for an existing name is appended). */
  add: IRHeader[];
  /** Remove these headers; lowercase names. */
  remove: string[];
}

export interface IRRedirect {
  /** Absent: keep the request's scheme. */
  scheme?: 'http' | 'https';
  /** Absent: keep the request's host (without port). */
  hostname?: string;
  /**
   * The port to put in Location, already resolved by translate from the
   * spec's rules (explicit port, else the scheme's well-known port, else the
   * listener port). Absent: write no port (the default port of the scheme).
   */
  port?: number;
  path?: IRPathRewrite;
  statusCode: 301 | 302 | 303 | 307 | 308;
}

export type IRPathRewrite =
  | { type: 'ReplaceFullPath'; value: string }
  /** Replace the matched PathPrefix (the match entry's path value) with `value`. */
  | { type: 'ReplacePrefixMatch'; value: string };

export interface IRRewrite {
  hostname?: string;
  path?: IRPathRewrite;
}

export interface IRMirror {
  /** Backend name in the gateway's `backends`. */
  backend: string;
  /** Mirror numerator/denominator of requests (1/1 = all). */
  numerator: number;
  denominator: number;
}

export interface IRCors {
  /** Origins as written: "*", "https://a.example.com", "https://*.example.com". */
  allowOrigins: string[];
  allowCredentials: boolean;
  /** Upper-case methods, or ["*"]. */
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

export interface IRWeightedBackend {
  weight: number;
  /**
   * Backend name in the gateway's `backends`. Absent when the backendRef is
   * invalid (not found, not permitted, bad kind): requests given to this
   * share are answered with `status` (500) instead.
   */
  backend?: string;
  status?: number;
  requestHeaders?: IRHeaderEdits;
  responseHeaders?: IRHeaderEdits;
}

export interface IRRetry {
  /** Response codes to retry on. */
  codes: number[];
  /** Retries after the first try (so attempts + 1 tries at most). */
  attempts: number;
  backoffMs: number;
  /** Retry when the connection to the backend fails (refused, reset). */
  onConnectFailure: boolean;
}

export interface IRHttpRule {
  /** "httproute/<ns>/<name>/rule/<index>" */
  name: string;
  route: { kind: 'HTTPRoute' | 'GRPCRoute'; namespace: string; name: string };
  /** The rule's `name` field, if set. */
  ruleName?: string;
  requestHeaders?: IRHeaderEdits;
  responseHeaders?: IRHeaderEdits;
  redirect?: IRRedirect;
  rewrite?: IRRewrite;
  mirrors: IRMirror[];
  cors?: IRCors;
  /**
   * Answer directly with this status without proxying, e.g. 500 when the rule
   * has backendRefs but none is valid, or uses an unsupported filter.
   */
  directResponse?: { status: number; body?: string };
  /** Weighted split; empty with no redirect/directResponse means 500. */
  backends: IRWeightedBackend[];
  timeouts?: { requestMs?: number; backendRequestMs?: number };
  retry?: IRRetry;
}

// ---------------------------------------------------------------- backends

/** How Portico speaks to a backend, from the Service port's appProtocol. */
export type IRBackendProtocol = 'http1' | 'h2c' | 'ws' | 'wss' | 'tls';

export interface IREndpoint {
  address: string;
  port: number;
}

export interface IRBackend {
  /** "service/<ns>/<name>/<port>" */
  name: string;
  protocol: IRBackendProtocol;
  /** Ready endpoints, in a stable order. Empty: requests answer 503. */
  endpoints: IREndpoint[];
  /** ExternalName Service: resolve this name by DNS at connect time. */
  externalName?: { hostname: string; port: number };
}
