// Classifies raw header names without lowercasing them (no allocation on the
// hot path): the few names the proxy treats specially get a number, all the
// others are OTHER. Names are compared ASCII case-insensitively (RFC 9110 §5.1).

export const OTHER = 0;
export const HOST = 1;
export const CONNECTION = 2;
export const KEEP_ALIVE = 3;
export const PROXY_CONNECTION = 4;
export const TE = 5;
export const TRANSFER_ENCODING = 6;
export const UPGRADE = 7;
export const CONTENT_LENGTH = 8;
export const EXPECT = 9;
export const X_FORWARDED_FOR = 10;
export const X_FORWARDED_PROTO = 11;
export const X_FORWARDED_HOST = 12;
export const FORWARDED = 13;
export const HTTP2_SETTINGS = 14;
export const X_FORWARDED_CLIENT_CERT = 15;

/** True when `name` equals `lower` (a lowercase constant of letters and '-') ignoring ASCII case. */
export function equalsLowercase(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

export function headerKind(name: string): number {
  switch (name.length) {
    case 2:
      return equalsLowercase(name, 'te') ? TE : OTHER;
    case 4:
      return equalsLowercase(name, 'host') ? HOST : OTHER;
    case 6:
      return equalsLowercase(name, 'expect') ? EXPECT : OTHER;
    case 7:
      return equalsLowercase(name, 'upgrade') ? UPGRADE : OTHER;
    case 9:
      return equalsLowercase(name, 'forwarded') ? FORWARDED : OTHER;
    case 10:
      if (equalsLowercase(name, 'connection')) return CONNECTION;
      return equalsLowercase(name, 'keep-alive') ? KEEP_ALIVE : OTHER;
    case 14:
      if (equalsLowercase(name, 'content-length')) return CONTENT_LENGTH;
      return equalsLowercase(name, 'http2-settings') ? HTTP2_SETTINGS : OTHER;
    case 15:
      return equalsLowercase(name, 'x-forwarded-for') ? X_FORWARDED_FOR : OTHER;
    case 16:
      if (equalsLowercase(name, 'proxy-connection')) return PROXY_CONNECTION;
      return equalsLowercase(name, 'x-forwarded-host') ? X_FORWARDED_HOST : OTHER;
    case 17:
      if (equalsLowercase(name, 'transfer-encoding')) return TRANSFER_ENCODING;
      return equalsLowercase(name, 'x-forwarded-proto') ? X_FORWARDED_PROTO : OTHER;
    case 23:
      return equalsLowercase(name, 'x-forwarded-client-cert') ? X_FORWARDED_CLIENT_CERT : OTHER;
    default:
      return OTHER;
  }
}

/**
 * The header names a Connection header lists (RFC 9110 §7.6.1: they are
 * hop-by-hop too), lowercased; undefined when it lists only the usual
 * close / keep-alive / upgrade options, which are handled by name.
 */
export function connectionListedNames(headers: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    if (headerKind(headers[i] as string) !== CONNECTION) continue;
    for (const token of (headers[i + 1] as string).split(',')) {
      const name = token.trim().toLowerCase();
      if (name === '' || name === 'close' || name === 'keep-alive' || name === 'upgrade') continue;
      listed ??= new Set();
      listed.add(name);
    }
  }
  return listed;
}

/** Is this Connection value one of the usual options, listing no other header? (cheap pre-check) */
export function isPlainConnectionValue(value: string): boolean {
  return equalsLowercase(value, 'keep-alive') || equalsLowercase(value, 'close') || equalsLowercase(value, 'upgrade');
}
