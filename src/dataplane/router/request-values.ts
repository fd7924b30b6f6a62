// Reading header and query values out of a request the way route matching
// needs them. Shared by the reference and the compiled matcher: both must read
// a request the same way; they differ only in how they find candidates.

/**
 * The value of the header named `lowerName` (lowercase), or undefined when the
 * request has no such header. A header sent several times is matched as its
 * values joined with "," in the order received: HTTPHeaderMatch leaves repeated
 * headers to RFC 7230 §3.2.2, and Envoy (our reference for open choices)
 * joins them with "," before matching.
 */
export function requestHeaderValue(headers: readonly string[], lowerName: string): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (!sameNameIgnoringCase(headers[i] as string, lowerName)) continue;
    const value = headers[i + 1] as string;
    joined = joined === undefined ? value : `${joined},${value}`;
  }
  return joined;
}

/** ASCII case-insensitive comparison of a received header name with a lowercase name, without allocating. */
export function sameNameIgnoringCase(received: string, lowerName: string): boolean {
  if (received.length !== lowerName.length) return false;
  for (let i = 0; i < received.length; i++) {
    let code = received.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The first value of the query parameter `name` (case-sensitive), or undefined
 * when absent. HTTPQueryParamMatch recommends the first value when a parameter
 * repeats. Values are compared as sent, without percent-decoding, and a
 * parameter without '=' has the value '' — both as Envoy's route matching does.
 */
export function firstQueryParamValue(query: string, name: string): string | undefined {
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end - start >= name.length && query.startsWith(name, start)) {
      const after = start + name.length;
      if (after === end) return '';
      if (query.charCodeAt(after) === 61 /* = */) return query.slice(after + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}
