// The TLS session ticket secret of a Portico process and its schedule: drawn
// at start, replaced every 12 hours (PORTICO_TICKET_ROTATION_SECONDS to
// change that). The primary hands the same secret to every worker, so a
// session resumes whichever worker the kernel gives the reconnection to
// (SO_REUSEPORT), and a restarted worker gets the current one.
//
// Why rotate: whoever obtains a ticket key can decrypt every session whose
// ticket it sealed, so a key's lifetime bounds that exposure (forward
// secrecy). nginx (ssl_session_ticket_key files), HAProxy (tls-ticket-keys)
// and Envoy (session_ticket_keys from a Secret) leave rotation to their
// operators and keep older keys for decryption; Portico rotates by itself.
// Node keeps one key only (see dataplane/tls/handshake-servers.ts), so each
// rotation costs a full handshake for clients whose ticket predates it.
import { randomBytes } from 'node:crypto';
import { TICKET_SECRET_BYTES } from '../dataplane/tls/ticket-secret.ts';

export const DEFAULT_TICKET_ROTATION_MS = 12 * 3_600_000;
export const TICKET_ROTATION_ENV = 'PORTICO_TICKET_ROTATION_SECONDS';

/** The rotation period from PORTICO_TICKET_ROTATION_SECONDS (whole seconds ≥ 1), else 12 hours. */
export function ticketRotationMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[TICKET_ROTATION_ENV];
  if (value === undefined || value === '') return DEFAULT_TICKET_ROTATION_MS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`${TICKET_ROTATION_ENV} must be a whole number of seconds (1 or more), got "${value}"`);
  return seconds * 1000;
}

export function newTicketSecret(): Buffer {
  return randomBytes(TICKET_SECRET_BYTES);
}

/** The current secret, replaced every `periodMs` (the timer does not hold the process open) and handed to `onRotate`. */
export class TicketRotation {
  #secret = newTicketSecret();
  readonly #timer: NodeJS.Timeout;

  constructor(periodMs: number, onRotate: (secret: Buffer) => void) {
    this.#timer = setInterval(() => {
      this.#secret = newTicketSecret();
      onRotate(this.#secret);
    }, periodMs);
    this.#timer.unref();
  }

  get secret(): Buffer {
    return this.#secret;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
