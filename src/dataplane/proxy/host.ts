// The host the router sees: lowercase, without port or trailing dot
// ("Example.COM.:8080" → "example.com"). IPv6 literals keep their brackets
// ("[::1]:80" → "[::1]"), which no virtual host but "*" matches.

export function normalizeHost(host: string): string {
  let end = host.length;
  if (host.charCodeAt(0) === 0x5b /* [ */) {
    const close = host.indexOf(']');
    if (close !== -1) end = close + 1;
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) end = colon;
  }
  if (end > 0 && host.charCodeAt(end - 1) === 0x2e /* . */) end--;
  const bare = end === host.length ? host : host.slice(0, end);
  return hasUppercase(bare) ? bare.toLowerCase() : bare;
}

function hasUppercase(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) return true;
  }
  return false;
}
