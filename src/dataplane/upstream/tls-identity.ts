// Who the backend must be (BackendTLSPolicyValidation.hostname and
// subjectAltNames): the check node:tls runs on the backend's certificate once
// its chain is trusted. Without subjectAltNames the certificate must carry
// the hostname (node:tls's own RFC 6125 check: DNS SANs, "*." matching one
// label); with them, it must carry one of them (a Hostname SAN matched the
// same way, a URI SAN compared exactly), and the hostname serves as SNI only.
import { checkServerIdentity } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type { IRSubjectAltName } from '../../ir/types.ts';

export interface SubjectAltNameEntry {
  /** As node:tls names them: "DNS", "URI", "IP Address", "email", ... */
  type: string;
  value: string;
}

/**
 * Parses node:tls's `subjectaltname` text ("DNS:a.example.com, URI:spiffe://x").
 * Values holding a comma or a quote are written as JSON strings
 * (`URI:"http://a/b,c"`), which a plain split would cut apart.
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltNameEntry[] {
  const entries: SubjectAltNameEntry[] = [];
  if (text === undefined) return entries;
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    if (colon === -1) break;
    const type = text.slice(at, colon);
    let value: string;
    let end: number;
    if (text[colon + 1] === '"') {
      end = colon + 2;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      end++;
      try {
        value = JSON.parse(text.slice(colon + 1, end)) as string;
      } catch {
        value = text.slice(colon + 2, end - 1);
      }
    } else {
      end = text.indexOf(', ', colon);
      if (end === -1) end = text.length;
      value = text.slice(colon + 1, end);
    }
    entries.push({ type, value });
    at = text.startsWith(', ', end) ? end + 2 : end + 1;
  }
  return entries;
}

export type IdentityCheck = (hostname: string, certificate: PeerCertificate) => Error | undefined;

/** The identity check for a backend: the SNI name, or one of the subjectAltNames when there are any. */
export function backendIdentityCheck(sni: string, subjectAltNames: readonly IRSubjectAltName[] | undefined): IdentityCheck {
  if (subjectAltNames === undefined || subjectAltNames.length === 0) {
    return (_hostname, certificate) => checkServerIdentity(sni, certificate);
  }
  const hostnames = subjectAltNames.filter((san) => san.type === 'Hostname').map((san) => san.value);
  const uris = new Set(subjectAltNames.filter((san) => san.type === 'URI').map((san) => san.value));
  const wanted = subjectAltNames.map((san) => `${san.type === 'URI' ? 'URI' : 'DNS'}:${san.value}`).join(', ');
  return (_hostname, certificate) => {
    if (uris.size > 0 && parseSubjectAltNames(certificate.subjectaltname).some((entry) => entry.type === 'URI' && uris.has(entry.value))) return undefined;
    for (const name of hostnames) if (checkServerIdentity(name, certificate) === undefined) return undefined;
    const error = new Error(`the backend certificate (${certificate.subjectaltname ?? 'no subjectAltName'}) carries none of the names ${wanted}`) as Error & { code: string };
    error.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return error;
  };
}
