// The secret a data plane's TLS session ticket keys derive from. One per data
// plane, shared by all its TLS ports; worker processes sharing ports are given
// the same one by their primary (src/workers), so a ticket issued by one
// worker resumes on another. Replacing it (rotation) reaches every handshake
// server at its next handshake; see handshake-servers.ts for what a rotation
// costs.
import { createHmac, randomBytes } from 'node:crypto';

/** Node's session ticket keys: 48 bytes (16 name, 16 HMAC, 16 AES). */
export const TICKET_SECRET_BYTES = 48;

export class TicketSecret {
  #secret: Buffer;
  #generation = 0;

  constructor(secret: Buffer = randomBytes(TICKET_SECRET_BYTES)) {
    this.#secret = secret;
  }

  /** Counts replacements: a handshake server compares it with the one its keys came from. */
  get generation(): number {
    return this.#generation;
  }

  replace(secret: Buffer): void {
    this.#secret = secret;
    this.#generation++;
  }

  /**
   * The ticket keys of one TLS profile. Each profile gets its own, so a
   * ticket resumes only under the certificates and client validation that
   * issued it; HMAC-SHA384 gives exactly Node's 48 bytes.
   */
  keysFor(profileKey: string): Buffer {
    return createHmac('sha384', this.#secret).update(profileKey).digest();
  }
}
