// The per-request pipeline (Gateway API HTTPRoute semantics): normalise the
// host and path, on TLS connections refuse misdirected requests (421), route, then in order: CORS preflight, redirect, direct
// response, weighted backend choice, URL rewrite and header edits, mirrors,
// and the exchange with the backend. The configuration is read once, when the
// request head is complete, so a request finishes on the configuration it
// started with whatever reloads happen meanwhile.
import type { IRWeightedBackend } from '../../ir/types.ts';
import type { RequestHandler } from '../http1/server-connection.ts';
import type { HttpLimits } from '../http1/limits.ts';
import { corsDecision } from '../filters/cors.ts';
import { normalizePath } from '../filters/path.ts';
import { redirectLocation, rewriteTarget } from '../filters/url.ts';
import { applyHeaderEdits } from '../filters/headers.ts';
import type { RouteMatch, RouteRequest } from '../router/request.ts';
import type { Backend } from '../upstream/backend.ts';
import type { ClientRequest } from './client-request.ts';
import type { PortConfig, RuleRuntime } from './config.ts';
import { Exchange } from './exchange.ts';
import type { ExchangeOutcome } from './exchange.ts';
import { localReply } from './local-reply.ts';
import { MirrorRequest } from './mirror.ts';
import { forwardedHead, forwardedHeaders, requestHead, shadowHost } from './request-head.ts';
import { normalizeHost } from './host.ts';
import { withCorsHeaders } from './response-head.ts';

/** What an access log or metric needs about one finished request. */
export interface RequestLogInfo {
  method: string;
  /** Normalised host ('' when the request had none). */
  host: string;
  /** Normalised path without query ('' when the target was unusable). */
  path: string;
  status: number;
  durationMs: number;
  bytesReceived: number;
  bytesSent: number;
  port: number;
  /** IR rule name ("httproute/<ns>/<name>/rule/<i>"), when a rule matched. */
  rule: string | undefined;
  backend: string | undefined;
  endpoint: string | undefined;
  upstreamMs: number | undefined;
  /** Tries sent to the backend (retries included; 0 when Portico answered itself). */
  tries: number;
  /** An HTTP/2 extended CONNECT's :protocol ("websocket"; method is then CONNECT); absent otherwise. */
  protocol?: string;
  /** Stable error code (route_not_found, connect_refused, backend_timeout, ...). */
  error: string | undefined;
  /** The listener whose virtual host served the request (for a 421, the connection's listener); absent when none did. */
  listener?: string;
  /** The IR name of that listener's gateway ("gateway/<ns>/<name>"). */
  gateway?: string;
}

export interface ProxyDeps {
  /** The port's current configuration, swapped by apply(). */
  config(): PortConfig;
  limits: HttpLimits;
  scheme: 'http' | 'https';
  onRequestComplete: ((info: RequestLogInfo) => void) | undefined;
}

const EMPTY_HEADERS: readonly string[] = [];
const NO_MIRRORS: MirrorRequest[] = [];

export class ProxyHandler implements RequestHandler {
  readonly #deps: ProxyDeps;
  /** Only a TLS port's connections carry TLS facts: plain ports skip that work entirely. */
  readonly #https: boolean;

  constructor(deps: ProxyDeps) {
    this.#deps = deps;
    this.#https = deps.scheme === 'https';
  }

  onRejected(info: { status: number; code: string; localPort: number }): void {
    this.#deps.onRequestComplete?.({
      method: '', host: '', path: '', status: info.status, durationMs: 0, bytesReceived: 0, bytesSent: 0,
      port: info.localPort, rule: undefined, backend: undefined, endpoint: undefined, upstreamMs: undefined, tries: 0, error: info.code,
    });
  }

  onRequest(request: ClientRequest): void {
    const config = this.#deps.config();
    const hook = this.#deps.onRequestComplete;
    const log = hook === undefined ? undefined : new LogContext(request, performance.now(), hook, config);
    const target = request.target;
    const queryStart = target.indexOf('?');
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const query = queryStart === -1 ? '' : target.slice(queryStart + 1);
    const host = request.host === undefined ? '' : normalizeHost(request.host);
    if (log !== undefined) log.host = host;

    const normalized = normalizePath(rawPath);
    if ('error' in normalized) {
      request.forceClose();
      return this.#reply(request, log, 400, 'bad_request', 'invalid request path');
    }
    const path = normalized.path;
    if (log !== undefined) log.path = path;
    if (normalized.redirect === true) {
      // Escaped slashes: send the client to the decoded path (see filters/path.ts).
      return this.#reply(request, log, 307, 'path_redirect', '', ['location', query === '' ? path : `${path}?${query}`]);
    }

    let clientCert: string | undefined;
    if (this.#https) {
      const tls = request.connection.tls;
      if (tls !== undefined) {
        // Gateway spec (listener hostname, "misdirected requests"): a Host that
        // another listener on this port claims was not meant for this
        // connection's listener; the client should retry on a new connection.
        const owner = host === '' ? undefined : config.listenerByHost?.select(host);
        if (owner !== undefined && owner !== tls.listener) {
          if (log !== undefined) log.listener = tls.listener;
          return this.#reply(request, log, 421, 'misdirected_request', 'misdirected request');
        }
        clientCert = tls.forwardedClientCert;
      }
    }

    const routeRequest: RouteRequest = { method: request.method, host, path, query, headers: request.headers };
    const match = config.router.route(routeRequest);
    if (match === undefined) return this.#reply(request, log, 404, 'route_not_found', 'no matching route');
    const rule = config.rules[match.match.rule] as RuleRuntime;
    const ir = rule.ir;
    if (log !== undefined) {
      log.rule = ir.name;
      log.listener = match.vhost.listener;
    }

    let cors: readonly string[] | undefined;
    if (ir.cors !== undefined) {
      const decision = corsDecision(request.method, request.headers, ir.cors);
      if (decision.kind === 'preflight') return this.#reply(request, log, decision.status, undefined, '', decision.headers);
      if (decision.kind === 'actual') cors = decision.addResponseHeaders;
    }
    if (ir.redirect !== undefined) {
      const location = redirectLocation({ scheme: this.#deps.scheme, host, path, query }, ir.redirect, match.match.path);
      return this.#reply(request, log, ir.redirect.statusCode, undefined, '', this.#localHeaders(rule, cors, ['location', location]));
    }
    if (ir.directResponse !== undefined) {
      const { status, body } = ir.directResponse;
      return this.#reply(request, log, status, undefined, body ?? '', this.#localHeaders(rule, cors, EMPTY_HEADERS), body !== undefined);
    }

    const share = rule.picker.pick(Math.random());
    if (share === undefined) return this.#reply(request, log, 500, 'no_backend', 'no backend for this route');
    const backend = rule.backends.get(share);
    if (backend === undefined) return this.#reply(request, log, share.status ?? 500, 'invalid_backend', 'backend not available');
    if (log !== undefined) log.backend = backend.name;

    this.#forward(request, match, rule, share, backend, host, path, query, cors, clientCert, log);
  }

  #forward(
    request: ClientRequest, match: RouteMatch, rule: RuleRuntime, share: IRWeightedBackend, backend: Backend,
    host: string, path: string, query: string, cors: readonly string[] | undefined, clientCert: string | undefined, log: LogContext | undefined,
  ): void {
    const ir = rule.ir;
    let hostHeader = request.host;
    let target = query === '' ? path : `${path}?${query}`;
    if (ir.rewrite !== undefined) {
      const rewritten = rewriteTarget({ host: hostHeader ?? host, path, query }, ir.rewrite, match.match.path);
      hostHeader = rewritten.host;
      target = rewritten.path;
    }
    const forward = {
      headers: request.headers,
      host: hostHeader,
      originalHost: request.host,
      clientAddress: clientAddress(request.remoteAddress),
      scheme: this.#deps.scheme,
      clientCert,
      upgrade: request.upgrade,
      chunked: request.chunkedBody,
      ruleEdits: ir.requestHeaders,
      shareEdits: share.requestHeaders,
    };
    const method = request.method;
    const chunked = request.chunkedBody;
    let head: string;
    let mirrors = NO_MIRRORS;
    if (rule.mirrors.length === 0 || request.upgrade) {
      head = forwardedHead(method, target, forward);
    } else {
      const headers = forwardedHeaders(forward);
      head = requestHead(method, target, headers, chunked, request.upgrade);
      mirrors = this.#startMirrors(rule, request, method, target, headers, chunked);
    }
    const exchange = new Exchange({
      request, rule, share, backend, method, head, chunked, cors, mirrors,
      limits: this.#deps.limits,
      log,
    });
    exchange.start();
  }

  #startMirrors(rule: RuleRuntime, request: ClientRequest, method: string, target: string, headers: string[], chunked: boolean): MirrorRequest[] {
    const mirrors: MirrorRequest[] = [];
    for (const mirror of rule.mirrors) {
      if (mirror.fraction < 1 && Math.random() >= mirror.fraction) continue;
      const mirrorHeaders = headers.slice();
      if (mirrorHeaders[0] === 'host' && mirrorHeaders[1] !== '') mirrorHeaders[1] = shadowHost(mirrorHeaders[1] as string);
      mirrors.push(new MirrorRequest(mirror.backend, {
        method,
        head: requestHead(method, target, mirrorHeaders, chunked, false),
        chunked,
        bodyEnded: !request.hasBody,
        maxBodyBytes: this.#deps.limits.mirrorBodyBytes,
        deadlineMs: rule.ir.timeouts?.backendRequestMs ?? rule.ir.timeouts?.requestMs ?? 30_000,
      }));
    }
    return mirrors;
  }

  /** Headers for a response Portico writes for a matched rule: its response edits and CORS apply too. */
  #localHeaders(rule: RuleRuntime, cors: readonly string[] | undefined, headers: readonly string[]): string[] {
    let out = headers.slice();
    if (rule.ir.responseHeaders !== undefined) out = applyHeaderEdits(out, rule.ir.responseHeaders);
    return cors === undefined ? out : withCorsHeaders(out, cors);
  }

  #reply(
    request: ClientRequest, log: LogContext | undefined, status: number, error: string | undefined,
    body: string, headers: readonly string[] = EMPTY_HEADERS, rawBody = false,
  ): void {
    if (!rawBody) localReply(request, status, body, headers);
    else request.respond(status, body === '' ? headers : ['content-type', 'text/plain; charset=utf-8', ...headers], body);
    log?.finish({ status, error, endpoint: undefined, upstreamMs: undefined, tries: 0 });
  }
}

/** Per-request log fields, only allocated when someone listens. */
class LogContext {
  host = '';
  path = '';
  rule: string | undefined;
  backend: string | undefined;
  listener: string | undefined;
  readonly #request: ClientRequest;
  readonly #start: number;
  readonly #hook: (info: RequestLogInfo) => void;
  readonly #config: PortConfig;

  constructor(request: ClientRequest, start: number, hook: (info: RequestLogInfo) => void, config: PortConfig) {
    this.#request = request;
    this.#start = start;
    this.#hook = hook;
    this.#config = config;
  }

  finish(outcome: ExchangeOutcome): void {
    const request = this.#request;
    this.#hook({
      // The method the client sent: an extended CONNECT is routed as GET (RFC 8441 §5) but logged as itself.
      method: request.protocol === undefined ? request.method : 'CONNECT',
      protocol: request.protocol,
      host: this.host,
      path: this.path,
      status: outcome.status,
      durationMs: performance.now() - this.#start,
      bytesReceived: request.bodyBytesReceived,
      bytesSent: request.bodyBytesSent,
      port: this.#config.port,
      rule: this.rule,
      backend: this.backend,
      endpoint: outcome.endpoint,
      upstreamMs: outcome.upstreamMs,
      tries: outcome.tries,
      error: outcome.error,
      listener: this.listener,
      gateway: this.listener === undefined ? undefined : this.#config.gatewayOfListener.get(this.listener),
    });
  }
}

/** IPv4 clients of a dual-stack socket show up as "::ffff:a.b.c.d"; forward the plain address. */
function clientAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
