// The head Portico sends to a backend: the client's headers minus hop-by-hop
// ones (RFC 9110 §7.6.1: Connection and what it lists, Keep-Alive,
// Proxy-Connection, TE except "trailers", Transfer-Encoding, Upgrade unless
// upgrading), Host first (as received, or rewritten), the forwarding headers,
// then the rule's and the chosen backendRef's RequestHeaderModifiers, in that
// order. Like Envoy Gateway (use_remote_address), the client address is
// appended to X-Forwarded-For and X-Forwarded-Proto is set to the scheme the
// client used; the filters run after, so a route can still override them.
import type { IRHeaderEdits } from '../../ir/types.ts';
import { applyHeaderEdits } from '../filters/headers.ts';
import {
  CONNECTION, CONTENT_LENGTH, EXPECT, FORWARDED, HOST, HTTP2_SETTINGS, KEEP_ALIVE, OTHER, PROXY_CONNECTION, TE,
  TRANSFER_ENCODING, UPGRADE, X_FORWARDED_FOR, X_FORWARDED_HOST, X_FORWARDED_PROTO, connectionListedNames,
  equalsLowercase, headerKind, isPlainConnectionValue,
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
  upgrade: boolean;
  chunked: boolean;
  ruleEdits: IRHeaderEdits | undefined;
  shareEdits: IRHeaderEdits | undefined;
}

/** The forwarded header list (flat), with Host first, no framing. */
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
    switch (headerKind(name)) {
      case OTHER:
        out.push(name, value);
        break;
      case CONNECTION:
        if (!isPlainConnectionValue(value)) connectionOptions = true;
        break;
      case TE:
        if (equalsLowercase(value, 'trailers')) out.push(name, value);
        break;
      case UPGRADE:
        if (input.upgrade) out.push(name, value);
        break;
      case EXPECT:
        // 100-continue was answered here; other expectations are the backend's business.
        if (!equalsLowercase(value, '100-continue')) out.push(name, value);
        break;
      case CONTENT_LENGTH:
        if (!input.chunked) out.push(name, value);
        break;
      case X_FORWARDED_FOR:
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        break;
      case X_FORWARDED_HOST:
        forwardedHost = forwardedHost === undefined ? value : `${forwardedHost}, ${value}`;
        break;
      case FORWARDED:
        forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
        break;
      case HOST:
      case KEEP_ALIVE:
      case PROXY_CONNECTION:
      case TRANSFER_ENCODING:
      case HTTP2_SETTINGS:
      case X_FORWARDED_PROTO:
        break;
    }
  }
  // Headers the client's Connection header lists are hop-by-hop too (but
  // never Host, first, nor the forwarding headers added below).
  const result = connectionOptions ? withoutConnectionListed(out, headers) : out;
  const client = input.clientAddress;
  result.push('x-forwarded-for', forwardedFor === undefined ? client : `${forwardedFor}, ${client}`);
  result.push('x-forwarded-proto', input.scheme);
  if (input.originalHost !== undefined) {
    result.push('x-forwarded-host', forwardedHost === undefined ? input.originalHost : `${forwardedHost}, ${input.originalHost}`);
  } else if (forwardedHost !== undefined) {
    result.push('x-forwarded-host', forwardedHost);
  }
  const element = forwardedElement(client, input.originalHost, input.scheme);
  result.push('forwarded', forwarded === undefined ? element : `${forwarded}, ${element}`);

  if (input.ruleEdits === undefined && input.shareEdits === undefined) return result;
  let edited = result;
  if (input.ruleEdits !== undefined) edited = applyHeaderEdits(edited, input.ruleEdits);
  if (input.shareEdits !== undefined) edited = applyHeaderEdits(edited, input.shareEdits);
  return withoutUnsafeHeaders(edited);
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
