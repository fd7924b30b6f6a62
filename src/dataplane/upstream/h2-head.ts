// The request head the exchange builds (an HTTP/1.1 head: request line,
// "name: value" lines) as HTTP/2 headers for an h2c backend. The proxy
// pipeline builds one head whatever the backend speaks; this is the only
// place it is read back. Connection-specific headers are not sent over
// HTTP/2 (RFC 9113 §8.2.2): Connection, Keep-Alive, Proxy-Connection,
// Transfer-Encoding, Upgrade, and TE except "trailers"; Host becomes
// :authority (§8.3.1).
import { constants } from 'node:http2';
import type { OutgoingHttpHeaders } from 'node:http2';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_SCHEME, HTTP2_HEADER_AUTHORITY } = constants;

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);

/** `head`: "METHOD target HTTP/1.1\r\n(name: value\r\n)*\r\n", a byte string. */
export function h2RequestHeaders(head: string): OutgoingHttpHeaders {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = head.slice(0, lineEnd);
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  const headers: OutgoingHttpHeaders = {
    [HTTP2_HEADER_METHOD]: requestLine.slice(0, firstSpace),
    [HTTP2_HEADER_PATH]: requestLine.slice(firstSpace + 1, lastSpace),
    [HTTP2_HEADER_SCHEME]: 'http',
  };
  let at = lineEnd + 2;
  while (at < head.length) {
    const end = head.indexOf('\r\n', at);
    if (end === -1 || end === at) break;
    const colon = head.indexOf(':', at);
    const name = head.slice(at, colon).toLowerCase();
    const value = head.slice(colon + 1, end).trim();
    at = end + 2;
    if (name === 'host') {
      if (value !== '') headers[HTTP2_HEADER_AUTHORITY] = value;
    } else if (name === 'te') {
      if (value.toLowerCase() === 'trailers') headers.te = 'trailers';
    } else if (!CONNECTION_SPECIFIC.has(name)) {
      addHeader(headers, name, value);
    }
  }
  return headers;
}

/** Adds a field, keeping repeats as a list (Node sends each as its own field). */
export function addHeader(headers: OutgoingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[name] = [String(existing), value];
}

/** Node's raw header list [name, value, ...] without pseudo-headers (HTTP/2 names arrive lowercase). */
export function regularHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.charCodeAt(0) !== 58 /* ':' */) out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * A WebSocket Upgrade (`head` asks for `upgrade: websocket`) turned into the
 * RFC 8441 request it stands for (§5): `:method CONNECT`, `:protocol
 * websocket`, no Sec-WebSocket-Key (Version, Protocol and Extensions stay).
 * Returns the key the client's Upgrade carried, to answer it as a 101 would;
 * undefined (headers untouched) for any other request.
 */
export function toExtendedConnect(headers: OutgoingHttpHeaders, head: string): string | undefined {
  const key = headers['sec-websocket-key'];
  // Only a request with a key can be a WebSocket handshake: the head is searched for nothing else.
  if (typeof key !== 'string' || !/\r\nupgrade:[ \t]*websocket[ \t]*\r\n/i.test(head)) return undefined;
  headers[HTTP2_HEADER_METHOD] = 'CONNECT';
  headers[':protocol'] = 'websocket';
  delete headers['sec-websocket-key'];
  return key;
}
