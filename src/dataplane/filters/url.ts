// RequestRedirect and URLRewrite: where a request is sent back to (Location)
// or forwarded as (Host and path). Both share the path modifiers
// ReplaceFullPath and ReplacePrefixMatch (HTTPPathModifier).
import type { IRPathMatch, IRPathRewrite, IRRedirect, IRRewrite } from '../../ir/types.ts';

/**
 * The Location header value for a RequestRedirect. Scheme and host default to
 * the request's; the port is written only when the IR gives one (translate
 * resolves the spec's port rules) and it is not the scheme's default (the spec
 * says not to write 80 for http or 443 for https). The path is modified as
 * the redirect says, and the query is kept, as Envoy does.
 */
export function redirectLocation(
  req: { scheme: 'http' | 'https'; host: string; path: string; query: string },
  redirect: IRRedirect,
  matched: IRPathMatch,
): string {
  const scheme = redirect.scheme ?? req.scheme;
  const host = bracketIPv6(redirect.hostname ?? req.host);
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = redirect.port === undefined || redirect.port === defaultPort ? '' : `:${redirect.port}`;
  const path = redirect.path === undefined ? req.path : modifiedPath(req.path, redirect.path, matched);
  return `${scheme}://${host}${port}${withQuery(path, req.query)}`;
}

/**
 * The Host and path (with the query appended, `/x?y`) to forward with for a
 * URLRewrite. `host` is the rewrite's hostname, else `req.host` unchanged:
 * pass the Host header as received there to forward it as it was.
 */
export function rewriteTarget(
  req: { host: string; path: string; query: string },
  rewrite: IRRewrite,
  matched: IRPathMatch,
): { host: string; path: string } {
  const path = rewrite.path === undefined ? req.path : modifiedPath(req.path, rewrite.path, matched);
  return { host: rewrite.hostname ?? req.host, path: withQuery(path, req.query) };
}

/** Applies a path modifier to the request path; `matched` is the match entry's path that selected the rule. */
export function modifiedPath(path: string, modifier: IRPathRewrite, matched: IRPathMatch): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value;
  return replacePrefixMatch(path, matched, modifier.value);
}

/**
 * ReplacePrefixMatch, element by element as PathPrefix matches: the matched
 * prefix (trailing "/" ignored) is replaced by `replacement` (trailing "/"
 * ignored), the rest of the path is kept, and an empty result is "/". So with
 * prefix "/foo": "/foo/bar" → "/xyz/bar", "/foo/" → "/xyz/", and replacement
 * "" or "/" strips the prefix ("/foo" → "/", "/foo/bar" → "/bar"); this is the
 * table in HTTPPathModifier.ReplacePrefixMatch. Translate only allows it with
 * a PathPrefix match; for any other match the replacement becomes the whole path.
 */
function replacePrefixMatch(path: string, matched: IRPathMatch, replacement: string): string {
  const prefix = withoutTrailingSlash(matched.value);
  const matchesPrefix = matched.type !== 'RegularExpression' && (path === prefix || path.startsWith(`${prefix}/`));
  const rest = matchesPrefix ? path.slice(prefix.length) : '';
  const result = withoutTrailingSlash(replacement) + rest;
  if (result === '') return '/';
  return result.startsWith('/') ? result : `/${result}`;
}

function withoutTrailingSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

function withQuery(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`;
}

/** An IPv6 literal in a URL's authority needs brackets. */
function bracketIPv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
