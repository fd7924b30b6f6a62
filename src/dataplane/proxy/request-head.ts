// The head Portico sends to a backend: the client's headers minus hop-by-hop
// ones (RFC 9110 §7.6.1: Connection and what it lists, Keep-Alive,
// Proxy-Connection, TE except "trailers", Transfer-Encoding, Upgrade unless
// upgrading), Host first (as received, or rewritten), the forwarding headers,
// then the rule's and the chosen backendRef's RequestHeaderModifiers, in that
// order. Like Envoy Gateway (use_remote_address), the client address is
// appended to X-Forwarded-For and X-Forwarded-Proto is set to the scheme the
// client used; the filters run after, so a route can still override them.
// X-Forwarded-Client-Cert is never taken from the client (anyone could claim
// an identity): Portico writes it only for a verified client certificate on a
// listener that forwards it (Envoy's default "sanitize" behaviour).
import type { IRHeaderEdits } from '../../ir/types.ts';
import { applyHeaderEdits } from '../filters/headers.ts';
import {
  CONNECTION, CONTENT_LENGTH, EXPECT, FORWARDED, OTHER, TE, UPGRADE, X_FORWARDED_FOR, X_FORWARDED_HOST,
  connectionListedNames, equalsLowercase, headerKind, isPlainConnectionValue,
} from '../http1/header-names.ts';
import { serializeHeaders, withoutUnsafeHeaders } from '../http1/head.ts';

export interface ForwardInput {
  /** Raw flat header list as received. */
  headers: readonly string[];
  /** The Host to send (as received, with its port, unless rewritten); undefined: none came (HTTP/1.0). */
  host: string | undefined;
  /** The Host the client sent, for X-Forwarded-Host and Forwarded. */
  originalHost: string | undefined;
  clientAddress: string;
  scheme: 'http' | 'https';
  /** The x-forwarded-client-cert value of the connection (tls/forwarded-client-cert.ts), or undefined: send none. */
  clientCert: string | undefined;
  upgrade: boolean;
  chunked: boolean;
  ruleEdits: IRHeaderEdits | undefined;
  shareEdits: IRHeaderEdits | undefined;
}

// What becomes of each client header on the way to the backend.
const DROP = 0;
const KEEP = 1;
const FORWARDED_FOR = 2;
const FORWARDED_HOST = 3;
const FORWARDED_LIST = 4;
/** A Connection header listing other headers (they are hop-by-hop too). */
const CONNECTION_OPTIONS = 5;

function clientHeaderAction(name: string, value: string, upgrade: boolean, chunked: boolean): number {
  switch (headerKind(name)) {
    case OTHER:
      return KEEP;
    case CONNECTION:
      return isPlainConnectionValue(value) ? DROP : CONNECTION_OPTIONS;
    case TE:
      return equalsLowercase(value, 'trailers') ? KEEP : DROP;
    case UPGRADE:
      return upgrade ? KEEP : DROP;
    case EXPECT:
      // 100-continue was answered here; other expectations are the backend's business.
      return equalsLowercase(value, '100-continue') ? DROP : KEEP;
    case CONTENT_LENGTH:
      return chunked ? DROP : KEEP;
    case X_FORWARDED_FOR:
      return FORWARDED_FOR;
    case X_FORWARDED_HOST:
      return FORWARDED_HOST;
    case FORWARDED:
      return FORWARDED_LIST;
    default: // Host (written first), Keep-Alive, Proxy-Connection, Transfer-Encoding, HTTP2-Settings, X-Forwarded-Proto, X-Forwarded-Client-Cert
      return DROP;
  }
}

/**
 * The head sent to the backend (request line, headers, framing). Without
 * header edits it is written in one pass over the client's headers; with
 * edits (or a Connection header listing others) it goes through the header
 * list.
 */
export function forwardedHead(method: string, target: string, input: ForwardInput): string {
  if (input.ruleEdits !== undefined || input.shareEdits !== undefined) return requestHead(method, target, forwardedHeaders(input), input.chunked, input.upgrade);
  let lines = `${method} ${target} HTTP/1.1\r\nhost: ${input.host ?? ''}\r\n`;
  let forwardedFor: string | undefined;
  let forwardedHost: string | undefined;
  let forwarded: string | undefined;
  const headers = input.headers;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    switch (clientHeaderAction(name, value, input.upgrade, input.chunked)) {
      case KEEP:
        lines += `${name}: ${value}\r\n`;
        break;
      case FORWARDED_FOR:
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        break;
      case FORWARDED_HOST:
        forwardedHost = forwardedHost === undefined ? value : `${forwardedHost}, ${value}`;
        break;
      case FORWARDED_LIST:
        forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
        break;
      case CONNECTION_OPTIONS:
        return requestHead(method, target, forwardedHeaders(input), input.chunked, input.upgrade);
    }
  }
  const client = input.clientAddress;
  lines += `x-forwarded-for: ${forwardedFor === undefined ? client : `${forwardedFor}, ${client}`}\r\nx-forwarded-proto: ${input.scheme}\r\n`;
  const xForwardedHost = forwardedHostValue(forwardedHost, input.originalHost);
  if (xForwardedHost !== undefined) lines += `x-forwarded-host: ${xForwardedHost}\r\n`;
  const element = forwardedElement(client, input.originalHost, input.scheme);
  lines += `forwarded: ${forwarded === undefined ? element : `${forwarded}, ${element}`}\r\n`;
  if (input.clientCert !== undefined) lines += `x-forwarded-client-cert: ${input.clientCert}\r\n`;
  if (input.chunked) lines += 'transfer-encoding: chunked\r\n';
  if (input.upgrade) lines += 'connection: upgrade\r\n';
  return `${lines}\r\n`;
}

/** The forwarded header list (flat), with Host first, no framing (for header edits and mirrors). */
export function forwardedHeaders(input: ForwardInput): string[] {
  // HTTP/1.1 requires Host; an HTTP/1.0 request may come without one, and a
  // target without authority is sent with an empty Host (RFC 9112 §3.2).
  const out: string[] = ['host', input.host ?? ''];
  let forwardedFor: string | undefined;
  let forwardedHost: string | undefined;
  let forwarded: string | undefined;
  let connectionOptions = false;
  const headers = input.headers;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    switch (clientHeaderAction(name, value, input.upgrade, input.chunked)) {
      case KEEP:
        out.push(name, value);
        break;
      case FORWARDED_FOR:
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        break;
      case FORWARDED_HOST:
        forwardedHost = forwardedHost === undefined ? value : `${forwardedHost}, ${value}`;
        break;
      case FORWARDED_LIST:
        forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
        break;
      case CONNECTION_OPTIONS:
        connectionOptions = true;
        break;
    }
  }
  // Headers the client's Connection header lists are hop-by-hop too (but
  // never Host, first, nor the forwarding headers added below).
  const result = connectionOptions ? withoutConnectionListed(out, headers) : out;
  const client = input.clientAddress;
  result.push('x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
  result.push('x-forwarded-proto', input.scheme);
  const xForwardedHost = forwardedHostValue(forwardedHost, input.originalHost);
  if (xForwardedHost !== undefined) result.push('x-forwarded-host', xForwardedHost);
  const element = forwardedElement(client, input.originalHost, input.scheme);
  result.push('forwarded', forwarded === undefined ? element : `${forwarded}, ${element}`);
  if (input.clientCert !== undefined) result.push('x-forwarded-client-cert', input.clientCert);

  if (input.ruleEdits === undefined && input.shareEdits === undefined) return result;
  let edited = result;
  if (input.ruleEdits !== undefined) edited = applyHeaderEdits(edited, input.ruleEdits);
  if (input.shareEdits !== undefined) edited = applyHeaderEdits(edited, input.shareEdits);
  return withoutUnsafeHeaders(edited);
}

function forwardedHostValue(received: string | undefined, originalHost: string | undefined): string | undefined {
  if (originalHost === undefined) return received;
  return received === undefined ? originalHost : `${received}, ${originalHost}`;
}

/** The request line and head, with framing for the body. */
export function requestHead(method: string, target: string, headers: readonly string[], chunked: boolean, upgrade: boolean): string {
  let head = `${method} ${target} HTTP/1.1\r\n${serializeHeaders(headers)}`;
  if (chunked) head += 'transfer-encoding: chunked\r\n';
  if (upgrade) head += 'connection: upgrade\r\n';
  return `${head}\r\n`;
}

/** A mirrored request's Host gets "-shadow" appended to its host part, as Envoy does, so backends can tell copies apart. */
export function shadowHost(host: string): string {
  const bracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > bracket) return `${host.slice(0, colon)}-shadow${host.slice(colon)}`;
  return `${host}-shadow`;
}

/** One RFC 7239 forwarded-element: for, host and proto. */
function forwardedElement(client: string, host: string | undefined, scheme: string): string {
  const forNode = client.includes(':') ? `"[${client}]"` : client;
  let element = `for=${forNode}`;
  if (host !== undefined) element += isToken(host) ? `;host=${host}` : `;host="${host.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return `${element};proto=${scheme}`;
}

const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isToken(value: string): boolean {
  return TOKEN_CHARS.test(value);
}

function withoutConnectionListed(headers: string[], received: readonly string[]): string[] {
  const listed = connectionListedNames(received);
  if (listed === undefined) return headers;
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    if (i === 0 || !listed.has(name.toLowerCase())) out.push(name, headers[i + 1] as string);
  }
  return out;
}
