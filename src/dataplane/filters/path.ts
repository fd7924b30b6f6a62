// Request path normalisation, done once before routing so that matching, the
// backend and every policy see the same path. We follow what Envoy Gateway
// configures Envoy to do by default (normalize_path on, merge_slashes on,
// path_with_escaped_slashes_action UNESCAPE_AND_REDIRECT), in Envoy's order:
//   1. escaped slashes %2F/%2f/%5C/%5c are decoded; the client is then
//      redirected to the decoded path rather than served, so that every hop
//      (client, proxies, backend) agrees on where the path's elements are;
//   2. RFC 3986 normalisation: percent-encoded unreserved characters
//      (ALPHA DIGIT - . _ ~) are decoded, other escapes are kept as sent,
//      bytes that may not appear raw are percent-encoded, and dot segments
//      ("." and "..", also as %2E) are removed (§5.2.4; ".." never climbs
//      above the root);
//   3. runs of "/" are merged into one.
// Choices where Envoy's behaviour is an accident of its URL library, written
// down here: a raw "\" is a path separator, as in the WHATWG URL standard for
// http(s) (so "/a\..\b" cannot mean one thing to us and another to a Windows
// backend); and these are rejected with 400 because no backend should see
// them: NUL (raw or %00), other control characters and raw spaces, a
// fragment ("#", never sent by clients; Envoy rejects it too), malformed
// escapes ("%zz", "%4"), and targets that are not absolute paths.

export type NormalizedPath =
  /**
   * `redirect`: the path had escaped slashes; answer 307 with Location set to
   * `path` (plus "?" and the query when there is one) instead of routing, as
   * Envoy does — except for gRPC requests (content-type application/grpc*),
   * whose clients do not follow redirects: Envoy answers those 400.
   */
  | { path: string; redirect?: true }
  /** Answer 400 Bad Request; `error` says why (for logs, not for clients). */
  | { error: string };

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;

/**
 * Normalises the path part of an origin-form request target (everything
 * before the first "?", which the engine has split off; "*" and absolute-form
 * targets are the engine's to handle first). Paths that are already normal —
 * the common case — are returned as they are, without allocating.
 */
export function normalizePath(rawPath: string): NormalizedPath {
  if (rawPath.charCodeAt(0) !== SLASH) return { error: 'the request target is not an absolute path' };
  if (isAlreadyNormal(rawPath)) return { path: rawPath };
  const decoded = decodeAndEscape(rawPath);
  if ('error' in decoded) return decoded;
  const path = mergeSlashes(removeDotSegments(decoded.path));
  return decoded.unescapedSlash ? { path, redirect: true } : { path };
}

/** True when normalisation would change nothing: no escapes, odd bytes, "//" or dot segments. */
function isAlreadyNormal(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || NEEDS_WORK[code] === 1) return false;
    if (code === SLASH) {
      const next = path.charCodeAt(i + 1);
      if (next === SLASH) return false;
      if (next === DOT && isDotSegmentAt(path, i + 1)) return false;
    }
  }
  return true;
}

/** Is there a "." or ".." segment starting at `start` (just after a "/")? */
function isDotSegmentAt(path: string, start: number): boolean {
  let end = start + 1;
  if (path.charCodeAt(end) === DOT) end++;
  return end === path.length || path.charCodeAt(end) === SLASH;
}

/** Printable ASCII that normalisation rewrites: "%", "\", "#" and the characters a path may not carry raw. */
const NEEDS_WORK = new Uint8Array(128);
for (const char of '%\\#"<>`{}') NEEDS_WORK[char.charCodeAt(0)] = 1;

/** Printable ASCII that is percent-encoded on the way through (RFC 3986 does not allow them raw in a path). */
const ESCAPE_RAW = new Set(['"', '<', '>', '`', '{', '}']);

function decodeAndEscape(raw: string): { path: string; unescapedSlash: boolean } | { error: string } {
  let out = '';
  let unescapedSlash = false;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const char = raw[i] as string;
    if (code === PERCENT) {
      const byte = hexByte(raw, i + 1);
      if (byte < 0) return { error: 'malformed percent-encoding in the path' };
      if (byte === 0) return { error: 'the path contains an encoded NUL' };
      if (byte === 0x2f || byte === 0x5c) {
        out += '/';
        unescapedSlash = true;
      } else if (isUnreserved(byte)) {
        out += String.fromCharCode(byte);
      } else {
        out += raw.slice(i, i + 3);
      }
      i += 2;
    } else if (code === 0) {
      return { error: 'the path contains NUL' };
    } else if (code < 0x20 || code === 0x7f || code === 0x20) {
      return { error: 'the path contains a control character or space' };
    } else if (char === '#') {
      return { error: 'the path contains a fragment' };
    } else if (char === '\\') {
      out += '/';
    } else if (code > 0xff) {
      return { error: 'the path contains a character that is not a byte' };
    } else if (code >= 0x80 || ESCAPE_RAW.has(char)) {
      out += percentEncode(code);
    } else {
      out += char;
    }
  }
  return { path: out, unescapedSlash };
}

function hexByte(text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at));
  const low = hexDigit(text.charCodeAt(at + 1));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
    || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e;
}

function percentEncode(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * RFC 3986 §5.2.4 on an absolute path, element by element: "." goes away,
 * ".." removes the element before it (never above the root), and a path that
 * ends in a dot segment keeps a trailing "/" ("/a/b/.." → "/a/").
 */
function removeDotSegments(path: string): string {
  const elements = path.slice(1).split('/');
  const kept: string[] = [];
  for (const [index, element] of elements.entries()) {
    const last = index === elements.length - 1;
    if (element === '.' || element === '..') {
      if (element === '..') kept.pop();
      if (last) kept.push('');
      continue;
    }
    kept.push(element);
  }
  return `/${kept.join('/')}`;
}

function mergeSlashes(path: string): string {
  return path.includes('//') ? path.replace(/\/{2,}/g, '/') : path;
}
