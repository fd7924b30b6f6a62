// gRPC answers for what Portico says itself. A gRPC client reads the call's
// outcome from grpc-status, not from the HTTP status, so a local error (no
// route, no backend, timeout) on a gRPC request is sent as a "Trailers-Only"
// response (gRPC over HTTP/2 protocol spec): HTTP 200, content-type
// application/grpc, grpc-status and grpc-message, and END_STREAM on that one
// HEADERS frame.
//
// The HTTP status → gRPC code mapping is gRPC's own (doc/http-grpc-status-mapping.md),
// which Envoy applies to its local replies too, with two choices of ours for
// what Portico's codes mean: 504 is only ever a timeout here → DEADLINE_EXCEEDED
// (Envoy's router also reports timeouts so), and 500 is only ever "this rule has
// no usable backend" → UNAVAILABLE.
import { constants } from 'node:http2';
import type { OutgoingHttpHeaders } from 'node:http2';

export const GRPC_OK = 0;
export const GRPC_UNKNOWN = 2;
export const GRPC_DEADLINE_EXCEEDED = 4;
export const GRPC_PERMISSION_DENIED = 7;
export const GRPC_UNIMPLEMENTED = 12;
export const GRPC_INTERNAL = 13;
export const GRPC_UNAVAILABLE = 14;
export const GRPC_UNAUTHENTICATED = 16;

/** application/grpc, application/grpc+proto, application/grpc;...: but not gRPC-Web (its status travels in the body). */
export function isGrpcContentType(value: string | undefined): boolean {
  if (value === undefined || value.length < 16) return false;
  const lower = value.toLowerCase();
  if (!lower.startsWith('application/grpc')) return false;
  if (lower.length === 16) return true;
  const next = lower.charCodeAt(16);
  return next === 43 /* '+' */ || next === 59 /* ';' */;
}

/** The gRPC status for an HTTP status Portico answered with itself. */
export function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 200: return GRPC_OK;
    case 400: return GRPC_INTERNAL;
    case 401: return GRPC_UNAUTHENTICATED;
    case 403: return GRPC_PERMISSION_DENIED;
    case 404: return GRPC_UNIMPLEMENTED;
    case 500: return GRPC_UNAVAILABLE;
    case 429:
    case 502:
    case 503: return GRPC_UNAVAILABLE;
    case 504: return GRPC_DEADLINE_EXCEEDED;
    default: return GRPC_UNKNOWN;
  }
}

/**
 * grpc-message is percent-encoded: bytes outside printable ASCII, and '%'
 * itself (gRPC over HTTP/2, "Status-Message").
 */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The single HEADERS frame of a Trailers-Only response; `extra` (flat list) are headers the rule adds (CORS, header edits). */
export function trailersOnlyHeaders(grpcStatus: number, message: string, extra: readonly string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { [constants.HTTP2_HEADER_STATUS]: 200 };
  for (let i = 0; i + 1 < extra.length; i += 2) {
    const name = (extra[i] as string).toLowerCase();
    if (name === 'content-type' || name === 'content-length' || name === 'date') continue;
    headers[name] = extra[i + 1];
  }
  headers['content-type'] = 'application/grpc';
  headers['grpc-status'] = String(grpcStatus);
  if (message !== '') headers['grpc-message'] = encodeGrpcMessage(message);
  return headers;
}
