// CONNECT on an HTTP/2 stream. Plain CONNECT (RFC 9113 §8.5, a TCP tunnel to
// :authority) is not served, as HTTP/1.1 CONNECT is not (405). Extended
// CONNECT (RFC 8441) with `:protocol websocket` is a WebSocket: it is routed
// and sent to the backend as the HTTP/1.1 Upgrade it stands for (§5): GET,
// `upgrade: websocket`, and a Sec-WebSocket-Key Portico makes (an HTTP/2
// client sends none), whose Sec-WebSocket-Accept Portico checks on the 101.
// (An h2c backend gets extended CONNECT in its turn: upstream/h2-stream.ts.)
// Other :protocol values are refused with 403, as Envoy refuses an upgrade
// its route does not allow ("upgrade_failed"); Envoy Gateway allows only
// websocket.
import { createHash, randomBytes } from 'node:crypto';
import type { Http2RequestHead } from './request-headers.ts';

/** RFC 6455 §1.3: the server hashes the key with this fixed GUID. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface ConnectRefusal {
  status: number;
  code: string;
  message: string;
}

/** What a CONNECT stream is: a WebSocket to forward, or a refusal (answered before routing). */
export function connectVerdict(head: Http2RequestHead): 'websocket' | ConnectRefusal {
  if (head.protocol === undefined) return { status: 405, code: 'connect_not_supported', message: 'CONNECT is not supported' };
  if (head.protocol.toLowerCase() !== 'websocket') {
    return { status: 403, code: 'upgrade_not_supported', message: `extended CONNECT supports the websocket protocol only, not ${head.protocol}` };
  }
  return 'websocket';
}

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 §4.1). */
export function newWebSocketKey(): string {
  return randomBytes(16).toString('base64');
}

/** The Sec-WebSocket-Accept a backend must answer `key` with (RFC 6455 §4.2.2). */
export function webSocketAccept(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/**
 * The HTTP/1.1 Upgrade request's headers: the client's (pseudo-headers and
 * connection-specific fields are already out), without any Sec-WebSocket-Key
 * it sent, plus the Upgrade and the key. Sec-WebSocket-Version, -Protocol and
 * -Extensions pass through as sent.
 */
export function upgradeHeaders(headers: readonly string[], key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name === 'sec-websocket-key') continue;
    out.push(name, headers[i + 1] as string);
  }
  out.push('upgrade', 'websocket', 'sec-websocket-key', key);
  return out;
}

/**
 * A backend's answer the HTTP/2 client can be given: a 101 whose accept
 * value proves the backend read our key, or any non-2xx response (passed on
 * as it is). A 2xx that is not 101 is not: over HTTP/2 a 2xx says the tunnel
 * is open (RFC 8441 §5), so it would pass a body off as WebSocket frames.
 */
export function upgradeAnswerValid(status: number, headers: readonly string[], key: string): boolean {
  if (status === 101) {
    const expected = webSocketAccept(key);
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if ((headers[i] as string).toLowerCase() === 'sec-websocket-accept') return (headers[i + 1] as string).trim() === expected;
    }
    return false;
  }
  return status < 200 || status >= 300;
}
