// The client certificate of a terminated connection (Gateway spec.tls.frontend
// validation), in the form the HTTP layer forwards to backends when a listener
// asks for it (forwardClientCert): subject, subject alternative names and the
// certificate's SHA-256 hash, as Envoy's x-forwarded-client-cert carries them.
import type { TLSSocket } from 'node:tls';

export interface ClientIdentity {
  /** RFC 4514 distinguished name, most specific first: "CN=client,O=Example". */
  subject: string;
  /** DNS names in subjectAltName. */
  dnsNames: string[];
  /** URIs in subjectAltName (e.g. SPIFFE IDs). */
  uris: string[];
  /** Lowercase hex SHA-256 of the DER certificate, without separators. */
  sha256: string;
  /** The DER certificate (for a full-certificate header). */
  der: Buffer;
}

export interface ClientCertificateStatus {
  /** True when the client presented a certificate that chains to the listener's CA bundle. */
  verified: boolean;
  /** The verified certificate's identity; undefined unless verified (AllowInsecureFallback lets others in). */
  identity: ClientIdentity | undefined;
}

/** The client-certificate outcome of a server TLSSocket that requested one (after 'secureConnection'). */
export function clientCertificateOf(socket: TLSSocket): ClientCertificateStatus {
  if (!socket.authorized) return { verified: false, identity: undefined };
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) return { verified: false, identity: undefined };
  const { dnsNames, uris } = splitSubjectAltName(certificate.subjectAltName ?? '');
  return {
    verified: true,
    identity: {
      subject: rfc4514(certificate.subject),
      dnsNames,
      uris,
      sha256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
      der: certificate.raw,
    },
  };
}

/**
 * Node prints a subject one attribute per line, least specific first
 * ("C=US\nO=Example\nCN=client"); RFC 4514 writes them the other way round,
 * comma-separated, with separators inside values escaped.
 */
export function rfc4514(subject: string): string {
  if (subject.length === 0) return '';
  return subject.split('\n').reverse().map((attribute) => {
    const equals = attribute.indexOf('=');
    if (equals < 0) return attribute;
    return `${attribute.slice(0, equals)}=${escapeValue(attribute.slice(equals + 1))}`;
  }).join(',');
}

function escapeValue(value: string): string {
  let escaped = value.replace(/[,+"\\<>;]/g, (character) => `\\${character}`);
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && escaped.length > 1) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

/**
 * Splits Node's subjectAltName text ("DNS:a.example.com, URI:spiffe://x").
 * Node quotes a value that holds a separator as a JSON string
 * (`DNS:"a, b"`), so a plain split on ", " would be wrong for those.
 */
export function splitSubjectAltName(text: string): { dnsNames: string[]; uris: string[] } {
  const dnsNames: string[] = [];
  const uris: string[] = [];
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    if (colon < 0) break;
    const type = text.slice(at, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      let end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      value = parseQuoted(text.slice(colon + 1, end + 1));
      next = text.indexOf(', ', end + 1);
    } else {
      next = text.indexOf(', ', colon + 1);
      value = text.slice(colon + 1, next < 0 ? text.length : next);
    }
    if (type === 'DNS') dnsNames.push(value);
    else if (type === 'URI') uris.push(value);
    if (next < 0) break;
    at = next + 2;
  }
  return { dnsNames, uris };
}

function parseQuoted(quoted: string): string {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : quoted;
  } catch {
    return quoted;
  }
}
