// Checks on a parsed request head that llhttp does not make, per RFC 9112:
// exactly one valid Host on HTTP/1.1 (§3.2), the absolute-form target's
// authority replaces Host (§3.2.2), CONNECT is not served, and only the
// chunked transfer coding is understood (§6.1). One pass over the raw header
// list, no allocation for ordinary requests.
import { CONTENT_LENGTH, EXPECT, HOST, TRANSFER_ENCODING, equalsLowercase, headerKind } from './header-names.ts';
import type { MessageHead } from './parser.ts';
import type { RequestHeadInfo } from './server-request.ts';

export type HeadVerdict =
  | { ok: true; info: RequestHeadInfo }
  | { ok: false; status: number; code: string; message: string };

export function checkRequestHead(head: MessageHead): HeadVerdict {
  if (head.versionMajor !== 1) return reject(505, 'http_version', 'only HTTP/1.0 and HTTP/1.1 are served on this port');
  if (head.method === 'CONNECT') return reject(405, 'connect_not_supported', 'CONNECT is not supported');
  if (head.method === 'PRI') return reject(400, 'bad_request', 'HTTP/2 prior knowledge is not supported on this port');

  let host: string | undefined;
  let hostCount = 0;
  let hasBody = false;
  let chunked = false;
  let expectContinue = false;
  const headers = head.headers;
  for (let i = 0; i < headers.length; i += 2) {
    switch (headerKind(headers[i] as string)) {
      case HOST:
        hostCount++;
        host = headers[i + 1];
        break;
      case TRANSFER_ENCODING:
        if (!equalsLowercase(headers[i + 1] as string, 'chunked')) {
          return reject(501, 'transfer_encoding', 'only the chunked transfer coding is supported');
        }
        chunked = true;
        hasBody = true;
        break;
      case CONTENT_LENGTH:
        if (headers[i + 1] !== '0') hasBody = true;
        break;
      case EXPECT:
        if (head.versionMinor >= 1 && equalsLowercase(headers[i + 1] as string, '100-continue')) expectContinue = true;
        break;
    }
  }

  let target = head.target;
  if (target.charCodeAt(0) !== 0x2f /* '/' */ && target !== '*') {
    const absolute = splitAbsoluteForm(target);
    if (absolute === undefined) return reject(400, 'bad_request', 'the request target is not valid');
    target = absolute.target;
    host = absolute.authority;
    hostCount = 1;
  }
  if (hostCount > 1) return reject(400, 'bad_request', 'more than one Host header');
  if (host === undefined || host === '') {
    if (head.versionMinor >= 1) return reject(400, 'bad_request', 'HTTP/1.1 request without Host');
    host = undefined;
  } else if (!validHost(host)) {
    return reject(400, 'bad_request', 'invalid Host');
  }
  return { ok: true, info: { target, host, expectContinue, hasBody, chunked } };
}

function reject(status: number, code: string, message: string): HeadVerdict {
  return { ok: false, status, code, message };
}

/** "http://authority/path?query" → its parts; undefined when not an http(s) absolute URI. */
function splitAbsoluteForm(target: string): { authority: string; target: string } | undefined {
  const schemeEnd = target.indexOf('://');
  if (schemeEnd <= 0) return undefined;
  const scheme = target.slice(0, schemeEnd);
  if (!equalsLowercase(scheme, 'http') && !equalsLowercase(scheme, 'https')) return undefined;
  const rest = target.slice(schemeEnd + 3);
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const code = rest.charCodeAt(i);
    if (code === 0x2f || code === 0x3f || code === 0x23) {
      end = i;
      break;
    }
  }
  const authority = rest.slice(0, end);
  if (authority === '' || authority.includes('@')) return undefined; // userinfo is not allowed (RFC 9110 §4.2.4)
  let path = rest.slice(end);
  if (path === '' || path.charCodeAt(0) === 0x3f) path = `/${path}`;
  return { authority, target: path };
}

/** RFC 3986 host (reg-name, IPv4 or bracketed IPv6) with an optional port. */
const HOST_CHAR = new Uint8Array(128);
for (const char of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:[]") HOST_CHAR[char.charCodeAt(0)] = 1;

function validHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code >= 128 || HOST_CHAR[code] !== 1) return false;
  }
  return true;
}
