// What the echo backend answers: a JSON description of the request it received.
// The first fields have the names and meaning of the Gateway API conformance
// echo-basic server (conformance/echo-basic/echo-basic.go, RequestAssertions), so
// a conformance-style expectation reads the same here; Portico adds the rest.
import type { IncomingMessage } from 'node:http';
import { describeTls } from './tls.ts';
import type { TlsDescription } from './tls.ts';

/** Who this backend is: echo-basic's Context, plus a Portico name. */
export interface EchoIdentity {
  name: string;
  namespace: string;
  ingress: string;
  service: string;
  pod: string;
}

export interface BodyDigest {
  length: number;
  sha256: string;
}

export interface RequestDescription {
  /** The request target as received (path and query), like Go's RequestURI. */
  path: string;
  /** The Host header (HTTP/1.1) as received. */
  host: string;
  method: string;
  /** e.g. "HTTP/1.1". */
  proto: string;
  /**
   * Every header received, lower-cased name → values in arrival order, one value
   * per header line. Like echo-basic, Host is reported in `host`, not here.
   * (echo-basic prints Go's canonical casing; the conformance suite compares
   * names case-insensitively, and lower case is what Node and HTTP/2 use.)
   */
  headers: Record<string, string[]>;
  /** The port this backend received the request on. */
  httpPort: string;
  namespace: string;
  ingress: string;
  service: string;
  pod: string;
  // Portico's additions.
  name: string;
  /** The decoded query: name → values in order. */
  query: Record<string, string[]>;
  bodyLength: number;
  /** Hex SHA-256 of the request body (of the empty string when there is none). */
  bodySha256: string;
  /** The peer that connected to this backend (the proxy, when there is one). */
  remoteAddress: string;
  remotePort: number;
  /** Only over TLS (echo-basic's `tls`). */
  tls?: TlsDescription;
}

function headersOf(rawHeaders: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (name === 'host') continue;
    (headers[name] ??= []).push(rawHeaders[i + 1] as string);
  }
  return headers;
}

function queryOf(target: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  const mark = target.indexOf('?');
  if (mark < 0) return query;
  for (const [name, value] of new URLSearchParams(target.slice(mark + 1))) (query[name] ??= []).push(value);
  return query;
}

export function describeRequest(request: IncomingMessage, identity: EchoIdentity, body: BodyDigest): RequestDescription {
  const socket = request.socket;
  return {
    path: request.url ?? '',
    host: request.headers.host ?? '',
    method: request.method ?? '',
    proto: `HTTP/${request.httpVersion}`,
    headers: headersOf(request.rawHeaders),
    httpPort: String(socket.localPort ?? ''),
    namespace: identity.namespace,
    ingress: identity.ingress,
    service: identity.service,
    pod: identity.pod,
    name: identity.name,
    query: queryOf(request.url ?? ''),
    bodyLength: body.length,
    bodySha256: body.sha256,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    tls: describeTls(socket),
  };
}
