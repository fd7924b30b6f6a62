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
  /**
   * Certificates (with keys) the gateway's TLS servers present, by name
   * ("secret/<ns>/<name>"). Kept apart from the servers that use them so a
   * change to one certificate replaces only that entry.
   */
  certificates?: Record<string, IRCertificate>;
}

/** A listening port: HTTP (optionally behind TLS), a TCP stream port, or a UDP datagram port. */
export type IRPort = IRHttpPort | IRTcpPort | IRUdpPort;

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
  /**
   * Actions, shared by the matches of all virtual hosts on this port; their
   * order means nothing for routing (matches carry precedence). Routes come
   * oldest first, so a new route's rules are appended and no other rule's
   * index moves (translate/httpport.ts).
   */
  rules: IRHttpRule[];
  /**
   * Present when the port speaks TLS first (HTTPS listeners, TLS listeners, or
   * both on one port): the server name (SNI) in the ClientHello selects a
   * TLS server entry, which either terminates TLS and serves this port's
   * virtual hosts over HTTP/1.1 or HTTP/2, or forwards the connection.
   */
  tls?: IRTlsPortConfig;
}

// ---------------------------------------------------------------- TLS

export interface IRCertificate {
  /** PEM chain, leaf first. */
  certPem: string;
  /** PEM private key (RSA or ECDSA). */
  keyPem: string;
  /** Hex SHA-256 of certPem + keyPem: the data plane reuses what it built for an unchanged certificate. */
  hash: string;
}

export interface IRTlsPortConfig {
  /**
   * One entry per distinct SNI pattern on the port: exact name first, then the
   * longest matching wildcard ("*.example.com"), then "*" (also used for
   * clients that send no SNI). No entry selected → the handshake is refused.
   */
  servers: IRTlsServer[];
  /** Lowest protocol version accepted (default TLSv1.2). */
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are fixed); absent → Portico's modern default. */
  ciphers?: string;
}

export type IRTlsServerMode =
  /** Terminate TLS, then HTTP (ALPN h2 or http/1.1) routed by the port's virtual hosts. */
  | 'http'
  /** Do not terminate: forward the raw connection (ClientHello included) to `route`'s backends. */
  | 'passthrough'
  /** Terminate TLS, then forward the decrypted byte stream to `route`'s backends (TLSRoute on a Terminate listener). */
  | 'tcp';

export interface IRTlsServer {
  /** SNI pattern: "foo.example.com", "*.example.com" or "*". Lowercase. */
  hostname: string;
  /** "gateway/<ns>/<name>/listener/<sectionName>". An HTTP request on this connection whose Host selects a virtual host of another listener is answered 421. */
  listener: string;
  mode: IRTlsServerMode;
  /** Names in the gateway's `certificates` (several: e.g. RSA and ECDSA); empty for passthrough. */
  certificates: string[];
  /** Frontend client-certificate validation (mTLS, Gateway spec.tls.frontend). */
  clientValidation?: {
    /** PEM bundle of the CA certificates clients' chains must lead to. */
    caPem: string;
    /** AllowInsecureFallback: connections without a valid client certificate are accepted too. */
    mode: 'AllowValidOnly' | 'AllowInsecureFallback';
  };
  /** Pass the verified client certificate's identity to backends in headers (listener tls.options). */
  forwardClientCert?: boolean;
  /** For passthrough and tcp: the route rule that receives the connection. */
  route?: IRStreamRoute;
}

// ---------------------------------------------------------------- L4

/** A TCP, UDP or TLS stream destination: one rule of a TCPRoute/UDPRoute/TLSRoute. */
export interface IRStreamRoute {
  /** "tcproute/<ns>/<name>/rule/<index>" (or tlsroute/, udproute/). */
  name: string;
  route: { kind: 'TCPRoute' | 'UDPRoute' | 'TLSRoute'; namespace: string; name: string };
  /** Weighted split; a share without a backend refuses (closes) the connection. */
  backends: IRWeightedBackend[];
}

/** A TCP listener port: every connection goes to `route` (one route per TCP listener port). */
export interface IRTcpPort {
  kind: 'tcp';
  name: string;
  port: number;
  listener: string;
  route: IRStreamRoute;
  /** Close a connection idle in both directions for this long (default 1 h). */
  idleTimeoutMs?: number;
}

/** A UDP listener port: datagrams from each client address:port form a session bound to one backend. */
export interface IRUdpPort {
  kind: 'udp';
  name: string;
  port: number;
  listener: string;
  route: IRStreamRoute;
  /** A session with no datagram in either direction for this long ends (default 60 s). */
  sessionIdleMs?: number;
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
  /** "service/<ns>/<name>/<port>" ("service/<ns>/<name>/<port>/udp" for a UDP Service port) */
  name: string;
  protocol: IRBackendProtocol;
  /** Ready endpoints, in a stable order. Empty: requests answer 503. */
  endpoints: IREndpoint[];
  /** ExternalName Service: resolve this name by DNS at connect time. */
  externalName?: { hostname: string; port: number };
  /** Speak TLS to the backend (a BackendTLSPolicy targets its Service port). */
  tls?: IRBackendTls;
}

/**
 * TLS from the gateway to a backend (BackendTLSPolicy, GEP-1897; the client
 * certificate from Gateway spec.tls.backend). Connections made under other
 * settings are never reused for these.
 */
export interface IRBackendTls {
  /** Sent as SNI; also the name the certificate must carry when `subjectAltNames` is absent. */
  sni: string;
  /** PEM bundle of the CAs the backend's chain must lead to. */
  caPem?: string;
  /** Trust the well-known public roots instead ("System"). */
  systemRoots?: boolean;
  /** The certificate must carry one of these names (then `sni` is not checked). */
  subjectAltNames?: IRSubjectAltName[];
  /** Name in the gateway's `certificates`: presented to the backend as the client certificate. */
  clientCertificate?: string;
  /** Set when the policy cannot be applied (no valid CA): requests answer 503 without connecting; the text says why. */
  invalid?: string;
}

export interface IRSubjectAltName {
  type: 'Hostname' | 'URI';
  /** A DNS name (a leading "*." matches one label) or an absolute URI, compared exactly. */
  value: string;
}
