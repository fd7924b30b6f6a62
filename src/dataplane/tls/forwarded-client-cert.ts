// The x-forwarded-client-cert value for a verified client certificate, in the
// format Envoy (and so Envoy Gateway's ClientTrafficPolicy) writes and
// backends already parse: semicolon-separated Key=value pairs, Hash first,
// then Subject, then one URI= and one DNS= pair per subjectAltName entry.
// Values holding ',', ';', '=' or '"' are double-quoted (Subject always is),
// with '"' and '\' escaped inside quotes. Control characters, which a header
// value cannot carry, are dropped.
import type { ClientIdentity } from './client-identity.ts';

export const FORWARDED_CLIENT_CERT = 'x-forwarded-client-cert';

/**
 * Computed once per connection: every request of the connection sends the
 * same value. Returned as a byte string (UTF-8 bytes, one char each), as
 * every head the proxy writes is.
 */
export function forwardedClientCertValue(identity: ClientIdentity): string {
  const pairs = [`Hash=${identity.sha256}`, `Subject=${quoted(identity.subject)}`];
  for (const uri of identity.uris) pairs.push(`URI=${valueOf(uri)}`);
  for (const name of identity.dnsNames) pairs.push(`DNS=${valueOf(name)}`);
  return Buffer.from(pairs.join(';'), 'utf8').toString('latin1');
}

function valueOf(text: string): string {
  const clean = printable(text);
  return /[,;="]/.test(clean) ? quoted(clean) : clean;
}

function quoted(text: string): string {
  return `"${printable(text).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

// eslint-disable-next-line no-control-regex -- the point is to remove control characters
const CONTROL = /[\u0000-\u001f\u007f]/g;

function printable(text: string): string {
  return text.replace(CONTROL, '');
}
