// The certificate store: one handshake server (a tls.Server that never listens;
// connections are handed to it with emit('connection')) per distinct TLS
// profile: certificate set, client validation, minimum version, ciphers, ALPN.
//
// - Keyed by content: a profile's key is made of IRCertificate.hash values
//   (and a hash of the CA bundle), so an unchanged certificate is never
//   rebuilt across applies, adding one certificate builds only that one, and
//   a rotated certificate (new hash) gives new connections a new context while
//   handshakes under way finish on the old one.
// - Lazy: a server (and its SecureContext) is built at the first handshake
//   that needs it, so 5,000 certificates cost 5,000 hashes at apply time, not
//   5,000 contexts.
// - A tls.Server rather than a bare TLSSocket: Node decides `authorized` (the
//   client chain verified against the CA bundle, with its TLS 1.3 resumption
//   rules) only for sockets its servers create, and mTLS needs that answer.
//
// Session resumption: each server issues session tickets. A ticket resumes
// only under the profile that issued it: each profile has its own session id
// context and its own ticket keys, derived from the data plane's ticket
// secret (ticket-secret.ts) and the profile key. Otherwise a session verified
// against one client CA would resume, still "authorized", after the CA changed
// (or on another listener with the same certificate), skipping the new
// validation. Worker processes that share a port are given the same secret by
// their primary, or a ticket issued by one worker would be refused by the next
// (a full handshake, not an error).
//
// Rotation: a new secret reaches each built server at the next handshake that
// asks for it (setTicketKeys). Node holds one ticket key per context, with no
// older keys kept for decryption as nginx (several ssl_session_ticket_key
// files), HAProxy (tls-ticket-keys) and Envoy (session_ticket_keys) keep them;
// so a rotation costs one full handshake per client holding a ticket from
// before it, and no more than that: tickets live 5 minutes (Node's
// sessionTimeout) and the secret changes every few hours.
import { createHash } from 'node:crypto';
import { createServer } from 'node:tls';
import type { Server, TLSSocket } from 'node:tls';
import type { IRCertificate, IRTlsPortConfig, IRTlsServer } from '../../ir/types.ts';
import type { Logger } from '../../telemetry/log.ts';
import { MODERN_TLS12_CIPHERS } from './defaults.ts';
import { TicketSecret } from './ticket-secret.ts';

/** What a terminating handshake needs, and the key that names it. */
export interface TlsProfile {
  readonly key: string;
  readonly certificates: readonly IRCertificate[];
  readonly clientValidation: IRTlsServer['clientValidation'];
  readonly minVersion: IRTlsPortConfig['minVersion'];
  readonly ciphers: string;
  /** ALPN protocols the server accepts, in preference order; empty: no ALPN. */
  readonly alpn: readonly string[];
}

/**
 * The profile of a terminating TLS server entry, or why there is none (a
 * certificate name missing from the gateway's certificates: translate never
 * does that, but the data plane refuses such a server rather than crash).
 * `caHashes` memoizes CA bundle hashes across the entries of one apply.
 */
export function profileOf(
  server: IRTlsServer,
  port: IRTlsPortConfig,
  certificates: Readonly<Record<string, IRCertificate>>,
  alpn: readonly string[],
  caHashes: Map<string, string>,
): TlsProfile | string {
  if (server.certificates.length === 0) return 'no certificate';
  const chosen: IRCertificate[] = [];
  for (const name of server.certificates) {
    const certificate = certificates[name];
    if (certificate === undefined) return `certificate ${name} is not in the gateway's certificates`;
    chosen.push(certificate);
  }
  const validation = server.clientValidation;
  let caHash = '';
  if (validation !== undefined) {
    caHash = caHashes.get(validation.caPem) ?? sha256(validation.caPem);
    caHashes.set(validation.caPem, caHash);
  }
  const ciphers = port.ciphers ?? MODERN_TLS12_CIPHERS;
  const key = [
    chosen.map((certificate) => certificate.hash).join(','),
    validation === undefined ? '' : `${validation.mode}:${caHash}`,
    port.minVersion,
    ciphers,
    alpn.join(','),
  ].join('|');
  return { key, certificates: chosen, clientValidation: validation, minVersion: port.minVersion, ciphers, alpn };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface HandshakeServersOptions {
  logger: Logger;
  handshakeTimeoutMs: number;
  /** The secret each profile's ticket keys derive from (the data plane's, shared with its sibling workers); default a random one. */
  ticketSecret?: TicketSecret;
  /** A handshake finished (the client certificate, if asked for, is judged: see TLSSocket.authorized). */
  onSecure(socket: TLSSocket, profile: TlsProfile): void;
  /** A handshake failed (the socket is being destroyed). */
  onClientError(error: Error, profile: TlsProfile): void;
}

type Entry = { server: Server } | { failure: string };

export class HandshakeServers {
  readonly #options: HandshakeServersOptions;
  readonly #ticketSecret: TicketSecret;
  /** The secret's generation the built servers' ticket keys come from. */
  #keysGeneration: number;
  readonly #entries = new Map<string, Entry>();
  #builds = 0;

  constructor(options: HandshakeServersOptions) {
    this.#options = options;
    this.#ticketSecret = options.ticketSecret ?? new TicketSecret();
    this.#keysGeneration = this.#ticketSecret.generation;
  }

  /** Servers (contexts) built since the store was made: an unchanged certificate never adds to it. */
  get builds(): number {
    return this.#builds;
  }

  /** Servers (contexts) built and still kept for the current configuration. */
  get kept(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if ('server' in entry) count++;
    return count;
  }

  /** The server for `profile`, built now if this is its first handshake; undefined if it cannot be built. */
  serverFor(profile: TlsProfile): Server | undefined {
    if (this.#keysGeneration !== this.#ticketSecret.generation) this.#rekey();
    let entry = this.#entries.get(profile.key);
    if (entry === undefined) {
      entry = this.#build(profile);
      this.#entries.set(profile.key, entry);
    }
    return 'server' in entry ? entry.server : undefined;
  }

  /** Forgets the servers of profiles not in `keys` (after an apply). Handshakes under way finish. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#entries.keys()) if (!keys.has(key)) this.#entries.delete(key);
  }

  /** The secret was replaced: every built server issues and accepts tickets under keys from the new one. */
  #rekey(): void {
    this.#keysGeneration = this.#ticketSecret.generation;
    for (const [key, entry] of this.#entries) if ('server' in entry) entry.server.setTicketKeys(this.#ticketSecret.keysFor(key));
  }

  #build(profile: TlsProfile): Entry {
    this.#builds++;
    const validation = profile.clientValidation;
    try {
      const server = createServer({
        // Several certificates (e.g. RSA and ECDSA): OpenSSL presents the one
        // the client's signature algorithms allow.
        cert: profile.certificates.map((certificate) => certificate.certPem),
        key: profile.certificates.map((certificate) => certificate.keyPem),
        minVersion: profile.minVersion,
        ciphers: profile.ciphers,
        honorCipherOrder: true,
        handshakeTimeout: this.#options.handshakeTimeoutMs,
        ticketKeys: this.#ticketSecret.keysFor(profile.key),
        // OpenSSL allows at most 32 bytes of session id context.
        sessionIdContext: sha256(profile.key).slice(0, 32),
        ...(profile.alpn.length > 0 ? { ALPNProtocols: [...profile.alpn] } : {}),
        ...(validation === undefined ? {} : {
          ca: validation.caPem,
          requestCert: true,
          // AllowValidOnly: a missing or unverifiable certificate ends the
          // handshake; AllowInsecureFallback: the connection goes on, marked
          // unverified (GEP-91).
          rejectUnauthorized: validation.mode === 'AllowValidOnly',
        }),
      });
      server.on('secureConnection', (socket: TLSSocket) => this.#options.onSecure(socket, profile));
      server.on('tlsClientError', (error: Error) => this.#options.onClientError(error, profile));
      return { server };
    } catch (error) {
      const failure = error instanceof Error ? error.message : String(error);
      this.#options.logger.error({ err: failure, certificates: profile.certificates.length }, 'cannot build a TLS context: handshakes for its server names are refused');
      return { failure };
    }
  }
}
