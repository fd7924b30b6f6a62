// The echo backend over TLS (for BackendTLSPolicy and re-encryption tests): what
// the connection looked like, in echo-basic's TLSAssertions shape.
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { DetailedPeerCertificate } from 'node:tls';

export interface EchoTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /**
   * CA bundle for client certificates. As echo-basic does (Go's
   * VerifyClientCertIfGiven), a client may connect without a certificate, but
   * one that presents a certificate this CA did not sign is refused.
   */
  ca?: string | Buffer;
}

export interface TlsDescription {
  /** e.g. "TLSv1.3". */
  version: string;
  /** The SNI the client sent ("" without one). */
  serverName: string;
  /** The ALPN protocol agreed ("" without one). */
  negotiatedProtocol: string;
  /** IANA name, e.g. "TLS_AES_128_GCM_SHA256". */
  cipherSuite: string;
  /** The client's certificate chain, leaf first, as PEM. */
  peerCertificates: string[];
}

function chainOf(leaf: DetailedPeerCertificate): string[] {
  const pems: string[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  // A self-signed root is its own issuer: stop where the chain loops.
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert?.raw && !seen.has(cert); cert = cert.issuerCertificate) {
    seen.add(cert);
    pems.push(new X509Certificate(cert.raw).toString());
  }
  return pems;
}

export function describeTls(socket: Socket): TlsDescription | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  return {
    version: socket.getProtocol() ?? '',
    serverName: typeof socket.servername === 'string' ? socket.servername : '',
    negotiatedProtocol: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : '',
    cipherSuite: socket.getCipher().standardName,
    peerCertificates: chainOf(socket.getPeerCertificate(true)),
  };
}

/** Ends a connection whose client presented a certificate the CA did not sign. */
export function refuseUntrustedClient(socket: TLSSocket): void {
  if (!socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0) socket.destroy();
}
