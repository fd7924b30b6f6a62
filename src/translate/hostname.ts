// Hostname patterns: "foo.example.com" (exact), "*.example.com" (any name
// ending in ".example.com", with one or more labels before it) and "*" (any
// host; a listener or route without hostnames). Listener.hostname and
// HTTPRoute.spec.hostnames define the intersection rules used here.

export const ANY_HOST = '*';

export function isWildcard(pattern: string): boolean {
  return pattern.startsWith('*.');
}

/** True when every host matched by `inner` is also matched by `outer`. */
export function hostnameCovers(outer: string, inner: string): boolean {
  if (outer === ANY_HOST) return true;
  if (inner === ANY_HOST) return false;
  if (!isWildcard(outer)) return outer === inner;
  const suffix = outer.slice(1); // ".example.com"
  if (isWildcard(inner)) return inner === outer || inner.slice(1).endsWith(suffix);
  return inner.endsWith(suffix) && inner.length > suffix.length;
}

/**
 * The hosts a route serves through a listener (Listener.hostname,
 * HTTPRoute.spec.hostnames): route hostnames the listener hostname covers are
 * kept; a route wildcard that covers the listener hostname narrows to the
 * listener hostname; others are ignored. No route hostnames means the
 * listener's hostname (or any host). Empty result: no intersection.
 */
export function effectiveHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[]): string[] {
  const listenerPattern = listenerHostname ?? ANY_HOST;
  if (routeHostnames.length === 0) return [listenerPattern];
  const result = new Set<string>();
  for (const hostname of routeHostnames) {
    if (hostnameCovers(listenerPattern, hostname)) result.add(hostname);
    else if (hostnameCovers(hostname, listenerPattern)) result.add(listenerPattern);
  }
  return [...result];
}

/**
 * The patterns that cover `pattern`, most specific first, ending with "*":
 * "a.b.c" → ["a.b.c", "*.b.c", "*.c", "*"]; "*.b.c" → ["*.b.c", "*.c", "*"].
 */
export function coveringPatterns(pattern: string): string[] {
  if (pattern === ANY_HOST) return [ANY_HOST];
  const result = [pattern];
  const labels = pattern.split('.');
  for (let i = 1; i < labels.length; i++) result.push(`*.${labels.slice(i).join('.')}`);
  result.push(ANY_HOST);
  return [...new Set(result)];
}

/**
 * HTTPRoute.spec.hostnames precedence: more characters in a matching
 * non-wildcard hostname first, then more characters in a matching hostname.
 * "*" (no hostname) counts as zero characters.
 */
export function hostnameSpecificity(pattern: string): { exactChars: number; chars: number } {
  if (pattern === ANY_HOST) return { exactChars: 0, chars: 0 };
  return { exactChars: isWildcard(pattern) ? 0 : pattern.length, chars: pattern.length };
}

/** Orders patterns most specific first: exact before wildcard, longer before shorter, then by text. */
export function compareHostnameSpecificity(a: string, b: string): number {
  const sa = hostnameSpecificity(a);
  const sb = hostnameSpecificity(b);
  return sb.exactChars - sa.exactChars || sb.chars - sa.chars || (a < b ? -1 : a > b ? 1 : 0);
}
