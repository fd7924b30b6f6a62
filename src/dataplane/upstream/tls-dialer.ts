// TLS to a backend (IRBackend.tls): one UpstreamTls per distinct settings,
// made when a configuration is compiled, never per connection. It holds the
// secure context (trusted CAs, the client certificate, TLS 1.2 at least),
// the identity check (tls-identity.ts), the sessions to resume, and a key — a hash of everything that
// shapes a connection — that joins the endpoint in the pool key, so a policy
// change never reuses a connection made under the old settings.
//
// A handshake that fails (untrusted chain, wrong name, refused client
// certificate) fails the connection attempt; the proxy answers it as any
// connect failure: 503, as Envoy does for an upstream TLS failure ("upstream
// connect error ... TLS_error"), with a stable code (tls_failed) and the
// reason in the message. A policy without a usable CA makes no connection at
// all (tls_invalid): every request through it answers 503.
import { createHash } from 'node:crypto';
import type { NetConnectOpts, Socket } from 'node:net';
import { connect, createSecureContext, rootCertificates } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { IRBackendTls, IRCertificate } from '../../ir/types.ts';
import type { IdentityCheck } from './tls-identity.ts';
import { backendIdentityCheck } from './tls-identity.ts';

/** What a pool needs to dial a backend over TLS. */
export interface UpstreamTls {
  /** Hash of the settings: part of the pool key. */
  readonly key: string;
  /** Set when no connection can be made under these settings; says why. */
  readonly invalid: string | undefined;
  /** The SNI sent. */
  readonly servername: string;
  /** Opens a connection; the socket emits 'secureConnect' once the backend is verified. `alpn` defaults to HTTP/1.1. */
  readonly dial: (options: NetConnectOpts, alpn?: readonly string[]) => Socket;
  /** The pool's error for a failure after the TCP connect and before 'secureConnect': the handshake's (no address: the text may reach the client). */
  handshakeError(error: NodeJS.ErrnoException): { code: 'tls_failed'; message: string };
}

/** Secure contexts by content: the same CA and client certificate share one across backends and reloads. */
const contexts = new Map<string, SecureContext>();
const dialers = new Map<string, UpstreamTls>();
/** Enough for every distinct setting a configuration holds; the oldest go first beyond it. */
const CACHE_LIMIT = 512;

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const HTTP1_ALPN: readonly string[] = ['http/1.1'];

/** A message line for logs and the 503 body: the OpenSSL or identity reason. */
function describe(error: NodeJS.ErrnoException): string {
  const reason = (error.message || String(error)).split('\n')[0] ?? '';
  return error.code === undefined || reason.includes(error.code) ? reason : `${error.code}: ${reason}`;
}

/**
 * The dialer for a backend's TLS settings. `certificates` is the gateway's
 * table, where `tls.clientCertificate` names the client certificate; a name
 * missing from it (translate never does that) dials without one.
 */
export function upstreamTls(tls: IRBackendTls, certificates: Readonly<Record<string, IRCertificate>> | undefined): UpstreamTls {
  const client = tls.clientCertificate === undefined ? undefined : certificates?.[tls.clientCertificate];
  const caKey = tls.systemRoots === true ? 'system' : sha256(tls.caPem ?? '');
  const settings = JSON.stringify([tls.sni, caKey, tls.subjectAltNames ?? [], client?.hash ?? '', tls.invalid ?? '']);
  const key = sha256(settings).slice(0, 24);
  return remember(dialers, key, () => makeDialer(key, tls, client, caKey));
}

function makeDialer(key: string, tls: IRBackendTls, client: IRCertificate | undefined, caKey: string): UpstreamTls {
  const servername = tls.sni;
  const handshakeError = (error: NodeJS.ErrnoException) => ({ code: 'tls_failed' as const, message: `TLS handshake with the backend (SNI ${servername}) failed: ${describe(error)}` });
  if (tls.invalid !== undefined) {
    return {
      key,
      invalid: tls.invalid,
      servername,
      dial: () => {
        throw new Error(`backend TLS settings are unusable: ${tls.invalid ?? ''}`); // a bug: pools check `invalid` first
      },
      handshakeError,
    };
  }
  const secureContext = remember(contexts, `${caKey}|${client?.hash ?? ''}`, () =>
    createSecureContext({
      ca: tls.systemRoots === true ? [...rootCertificates] : tls.caPem,
      ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
      minVersion: 'TLSv1.2',
    }));
  const checkServerIdentity: IdentityCheck = backendIdentityCheck(servername, tls.subjectAltNames);
  // The last session each endpoint gave, to resume on the next connection (no
  // full handshake). Kept per dialer, so never across settings: node:tls skips
  // the identity check on a resumed session, which was verified under these.
  const sessions = new Map<string, Buffer>();
  return {
    key,
    invalid: undefined,
    servername,
    dial: (options, alpn = HTTP1_ALPN) => {
      const endpoint = 'host' in options ? `${options.host ?? ''}|${options.port}` : undefined;
      const session = endpoint === undefined ? undefined : sessions.get(endpoint);
      const socket = connect({ ...options, secureContext, servername, checkServerIdentity, ALPNProtocols: [...alpn], rejectUnauthorized: true, ...(session === undefined ? {} : { session }) });
      if (endpoint !== undefined) {
        socket.on('session', (ticket: Buffer) => {
          if (sessions.size >= CACHE_LIMIT && !sessions.has(endpoint)) sessions.delete(sessions.keys().next().value as string);
          sessions.set(endpoint, ticket);
        });
      }
      return socket;
    },
    handshakeError,
  };
}
