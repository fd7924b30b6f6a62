// The echo backend's test controls: request headers that tell it how to answer.
// Parsed in one place so a malformed control is a 400 that names the header,
// never a silently ignored instruction (a test that thinks it asked for a 503
// and got a 200 would pass for the wrong reason).

/** Header name (lower case) → every value received, as Node's `req.headersDistinct`. */
export type DistinctHeaders = Partial<Record<string, string[]>>;

export interface EchoControls {
  /** x-echo-status: answer with this code (200-599). With failFirst, the failing answer. */
  status: number | undefined;
  /** x-echo-delay-ms: wait this long before answering. */
  delayMs: number;
  /** x-echo-set-header: response headers to add, in order, as [name, value]. */
  setHeaders: [string, string][];
  /** x-echo-body-size: answer with a body of exactly this many bytes instead of the JSON. */
  bodySize: number | undefined;
  /** x-echo-close: reset the connection instead of answering. */
  close: boolean;
  /** x-echo-echo-body: stream the request body back as the response body. */
  echoBody: boolean;
  /** x-echo-fail-first (+ x-echo-fail-key): fail the first N attempts that share a key. */
  failFirst: { times: number; key: string | undefined } | undefined;
}

export const MAX_DELAY_MS = 600_000;

export class ControlError extends Error {}

// RFC 9110 §5.6.2 token: what a header name may be.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 §5.5 field value characters (tab, visible ASCII, obs-text); CR/LF would split the response.
const FORBIDDEN_IN_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
// Headers that decide where the message ends: a wrong one would corrupt the connection.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

function single(headers: DistinctHeaders, name: string): string | undefined {
  const values = headers[name];
  if (values && values.length > 1) throw new ControlError(`${name} given more than once`);
  return values?.[0]?.trim();
}

function integer(headers: DistinctHeaders, name: string, min: number, max: number): number | undefined {
  const text = single(headers, name);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ControlError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function flag(headers: DistinctHeaders, name: string): boolean {
  const text = single(headers, name);
  if (text === undefined) return false;
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new ControlError(`${name} must be 1 or 0, got "${text}"`);
}

/**
 * `x-echo-set-header` follows the conformance echo-basic format, so the Gateway API
 * conformance helpers work unchanged: a comma-separated list of `name:value`, on one
 * or more header lines; a name given twice gets its values joined with ",".
 */
function setHeaders(lines: string[] | undefined): [string, string][] {
  const byName = new Map<string, [string, string]>();
  for (const line of lines ?? []) {
    for (const item of line.split(',')) {
      if (item.trim() === '') continue;
      const colon = item.indexOf(':');
      const name = (colon < 0 ? item : item.slice(0, colon)).trim();
      const value = colon < 0 ? '' : item.slice(colon + 1).trim();
      if (!TOKEN.test(name)) throw new ControlError(`x-echo-set-header: "${name}" is not a valid header name`);
      if (FRAMING.has(name.toLowerCase())) throw new ControlError(`x-echo-set-header: "${name}" frames the message and is the server's to set`);
      if (FORBIDDEN_IN_VALUE.test(value)) throw new ControlError(`x-echo-set-header: value of "${name}" has a character not allowed in a header value`);
      const key = name.toLowerCase();
      const existing = byName.get(key);
      if (existing) existing[1] += `,${value}`;
      else byName.set(key, [name, value]);
    }
  }
  return [...byName.values()];
}

/** Reads the controls from the request headers; throws ControlError naming the bad one. */
export function parseControls(headers: DistinctHeaders): EchoControls {
  const times = integer(headers, 'x-echo-fail-first', 0, 1_000_000);
  return {
    status: integer(headers, 'x-echo-status', 200, 599),
    delayMs: integer(headers, 'x-echo-delay-ms', 0, MAX_DELAY_MS) ?? 0,
    setHeaders: setHeaders(headers['x-echo-set-header']),
    bodySize: integer(headers, 'x-echo-body-size', 0, Number.MAX_SAFE_INTEGER),
    close: flag(headers, 'x-echo-close'),
    echoBody: flag(headers, 'x-echo-echo-body'),
    failFirst: times === undefined ? undefined : { times, key: single(headers, 'x-echo-fail-key') },
  };
}
