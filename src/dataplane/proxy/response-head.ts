// The head Portico sends back to a client: the backend's headers minus
// hop-by-hop and framing ones (the engine frames the body itself), then the
// rule's and the chosen backendRef's ResponseHeaderModifiers, then the CORS
// headers of an allowed cross-origin request.
import type { IRHeaderEdits } from '../../ir/types.ts';
import { applyHeaderEdits } from '../filters/headers.ts';
import {
  CONNECTION, CONTENT_LENGTH, HTTP2_SETTINGS, KEEP_ALIVE, PROXY_CONNECTION, TE, TRANSFER_ENCODING, UPGRADE,
  connectionListedNames, headerKind, isPlainConnectionValue,
} from '../http1/header-names.ts';
import { serializeHeaders, withoutUnsafeHeaders } from '../http1/head.ts';

export interface ResponseHeadResult {
  /** The header section, serialised ("name: value\r\n" per header), without framing. */
  lines: string;
  /** The backend's Content-Length, or -1 when it sent none (chunked or close-delimited). */
  contentLength: number;
}

// What becomes of each backend header on the way to the client.
const DROP = 0;
const KEEP = 1;
const LENGTH = 2;
/** A Connection header listing other headers (they are hop-by-hop too). */
const CONNECTION_OPTIONS = 3;

function backendHeaderAction(name: string, value: string, upgrade: boolean): number {
  switch (headerKind(name)) {
    case CONTENT_LENGTH:
      return LENGTH;
    case CONNECTION:
      return isPlainConnectionValue(value) ? DROP : CONNECTION_OPTIONS;
    case UPGRADE:
      return upgrade ? KEEP : DROP;
    case TRANSFER_ENCODING:
    case KEEP_ALIVE:
    case PROXY_CONNECTION:
    case TE:
    case HTTP2_SETTINGS:
      return DROP;
    default:
      return KEEP;
  }
}

/**
 * The head for the client. Without edits or CORS it is written in one pass
 * over the backend's headers; otherwise (or when the backend's Connection
 * header lists others) it goes through the header list.
 */
export function clientResponseHead(
  received: readonly string[],
  upgrade: boolean,
  ruleEdits: IRHeaderEdits | undefined,
  shareEdits: IRHeaderEdits | undefined,
  cors: readonly string[] | undefined,
): ResponseHeadResult {
  if (ruleEdits !== undefined || shareEdits !== undefined || cors !== undefined) return viaHeaderList(received, upgrade, ruleEdits, shareEdits, cors);
  let lines = '';
  let contentLength = -1;
  for (let i = 0; i < received.length; i += 2) {
    const name = received[i] as string;
    const value = received[i + 1] as string;
    switch (backendHeaderAction(name, value, upgrade)) {
      case KEEP:
        lines += `${name}: ${value}\r\n`;
        break;
      case LENGTH:
        contentLength = Number(value);
        break;
      case CONNECTION_OPTIONS:
        return viaHeaderList(received, upgrade, ruleEdits, shareEdits, cors);
    }
  }
  if (upgrade) lines += 'connection: upgrade\r\n';
  return { lines, contentLength: Number.isSafeInteger(contentLength) ? contentLength : -1 };
}

function viaHeaderList(
  received: readonly string[],
  upgrade: boolean,
  ruleEdits: IRHeaderEdits | undefined,
  shareEdits: IRHeaderEdits | undefined,
  cors: readonly string[] | undefined,
): ResponseHeadResult {
  let headers: string[] = [];
  let contentLength = -1;
  let connectionOptions = false;
  for (let i = 0; i < received.length; i += 2) {
    const name = received[i] as string;
    const value = received[i + 1] as string;
    switch (backendHeaderAction(name, value, upgrade)) {
      case KEEP:
        headers.push(name, value);
        break;
      case LENGTH:
        contentLength = Number(value);
        break;
      case CONNECTION_OPTIONS:
        connectionOptions = true;
        break;
    }
  }
  if (connectionOptions) {
    const listed = connectionListedNames(received);
    if (listed !== undefined) headers = headers.filter((_, i, all) => !listed.has(((i % 2 === 0 ? all[i] : all[i - 1]) as string).toLowerCase()));
  }
  if (upgrade) headers.push('connection', 'upgrade');
  if (ruleEdits !== undefined) headers = applyHeaderEdits(headers, ruleEdits);
  if (shareEdits !== undefined) headers = applyHeaderEdits(headers, shareEdits);
  if (ruleEdits !== undefined || shareEdits !== undefined) headers = withoutUnsafeHeaders(headers);
  if (cors !== undefined) headers = withCorsHeaders(headers, cors);
  return { lines: serializeHeaders(headers), contentLength: Number.isSafeInteger(contentLength) ? contentLength : -1 };
}

/**
 * Adds the CORS filter's headers as Envoy's CORS filter does: they replace
 * the backend's headers of the same name, except Vary, which is extended.
 */
export function withCorsHeaders(headers: string[], cors: readonly string[]): string[] {
  const names = new Set<string>();
  for (let i = 0; i < cors.length; i += 2) names.add((cors[i] as string).toLowerCase());
  const out: string[] = [];
  let varyIndex = -1;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (lower === 'vary' && names.has('vary')) {
      if (varyIndex === -1) {
        varyIndex = out.length + 1;
        out.push(headers[i] as string, headers[i + 1] as string);
      } else {
        out[varyIndex] = `${out[varyIndex] as string}, ${headers[i + 1] as string}`;
      }
    } else if (!names.has(lower)) {
      out.push(headers[i] as string, headers[i + 1] as string);
    }
  }
  for (let i = 0; i + 1 < cors.length; i += 2) {
    const name = cors[i] as string;
    const value = cors[i + 1] as string;
    if (name.toLowerCase() === 'vary' && varyIndex !== -1) {
      if (!(out[varyIndex] as string).toLowerCase().split(',').some((token) => token.trim() === value.toLowerCase())) {
        out[varyIndex] = `${out[varyIndex] as string}, ${value}`;
      }
    } else {
      out.push(name, value);
    }
  }
  return out;
}
