// Parses a TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) from the
// first bytes of a connection, to route by SNI (RFC 6066 §3) before any TLS
// library sees the bytes. Pure and total: any input gives an outcome, never an
// exception. The hello may span several TLS records (a handshake message can
// be fragmented, RFC 8446 §5.1) and arrive in several TCP segments: call again
// with more bytes while the outcome is 'incomplete'.

/** What the router needs from a ClientHello. */
export interface ClientHello {
  /** The host_name in server_name, lowercased; undefined when the client sent none. */
  serverName: string | undefined;
  /** Protocols offered in application_layer_protocol_negotiation (RFC 7301), in the client's order. */
  alpn: string[];
}

export type HelloParse =
  | { status: 'hello'; hello: ClientHello }
  /** More bytes are needed. */
  | { status: 'incomplete' }
  /** The bytes are not a TLS handshake record (plain HTTP, SSLv2, anything else). */
  | { status: 'not-tls' }
  | { status: 'malformed'; reason: string }
  /** The hello is (or announces to be) larger than the caller's limit. */
  | { status: 'too-large' };

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 1;
/** TLSPlaintext.length MUST NOT exceed 2^14 (RFC 8446 §5.1). */
const MAX_RECORD = 16_384;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const NAME_TYPE_HOST = 0;
/** A DNS name is at most 253 characters (255 octets on the wire). */
const MAX_HOST_NAME = 255;

const INCOMPLETE: HelloParse = { status: 'incomplete' };
const NOT_TLS: HelloParse = { status: 'not-tls' };
const TOO_LARGE: HelloParse = { status: 'too-large' };

function malformed(reason: string): HelloParse {
  return { status: 'malformed', reason };
}

/**
 * Parses the ClientHello at the start of `bytes` (everything received so far).
 * `maxBytes` bounds the record bytes the hello may occupy, headers included.
 */
export function parseClientHello(bytes: Uint8Array, maxBytes: number): HelloParse {
  if (bytes.length === 0) return INCOMPLETE;
  if (bytes[0] !== CONTENT_HANDSHAKE) return NOT_TLS;
  // The record's legacy version: major 3 for every SSL 3.0/TLS version.
  if (bytes.length >= 2 && bytes[1] !== 3) return NOT_TLS;

  // Gather the handshake message from as many records as it spans. The common
  // case (one record holds it whole) reads in place without copying.
  let offset = 0;
  let message: Uint8Array | undefined;
  let messageLength = -1;
  const fragments: Uint8Array[] = [];
  let gathered = 0;
  for (;;) {
    if (bytes.length - offset < RECORD_HEADER) return offset + RECORD_HEADER > maxBytes ? TOO_LARGE : INCOMPLETE;
    if (bytes[offset] !== CONTENT_HANDSHAKE) return malformed('a record other than handshake interrupts the ClientHello');
    if (bytes[offset + 1] !== 3 || (bytes[offset + 2] as number) > 4) return malformed('unknown record version');
    const recordLength = ((bytes[offset + 3] as number) << 8) | (bytes[offset + 4] as number);
    if (recordLength === 0) return malformed('empty handshake record');
    if (recordLength > MAX_RECORD) return malformed('record longer than 2^14 bytes');
    const end = offset + RECORD_HEADER + recordLength;
    if (end > maxBytes) return TOO_LARGE;
    if (end > bytes.length) return INCOMPLETE;
    const fragment = bytes.subarray(offset + RECORD_HEADER, end);
    offset = end;
    fragments.push(fragment);
    gathered += fragment.length;
    if (messageLength < 0 && gathered >= HANDSHAKE_HEADER) {
      const head = fragments.length === 1 ? fragment : concat(fragments, gathered);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return malformed('the first handshake message is not a ClientHello');
      messageLength = ((head[1] as number) << 16) | ((head[2] as number) << 8) | (head[3] as number);
      // Each record adds a header: a message this long cannot fit in the limit.
      if (HANDSHAKE_HEADER + messageLength + RECORD_HEADER > maxBytes) return TOO_LARGE;
    }
    if (messageLength >= 0 && gathered >= HANDSHAKE_HEADER + messageLength) {
      message = fragments.length === 1 ? fragment : concat(fragments, gathered);
      break;
    }
  }
  return parseHelloBody(message.subarray(HANDSHAKE_HEADER, HANDSHAKE_HEADER + messageLength));
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A bounds-checked reader: every read past the end yields -1 and poisons the reader. */
class Cursor {
  readonly bytes: Uint8Array;
  offset: number;
  readonly end: number;
  overrun = false;

  constructor(bytes: Uint8Array, offset: number, end: number) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    if (this.offset + 1 > this.end) return this.#overrun();
    return this.bytes[this.offset++] as number;
  }

  u16(): number {
    if (this.offset + 2 > this.end) return this.#overrun();
    const value = ((this.bytes[this.offset] as number) << 8) | (this.bytes[this.offset + 1] as number);
    this.offset += 2;
    return value;
  }

  skip(count: number): boolean {
    if (count < 0 || this.offset + count > this.end) {
      this.#overrun();
      return false;
    }
    this.offset += count;
    return true;
  }

  /** A sub-cursor over the next `length` bytes (a length-prefixed vector's body). */
  take(length: number): Cursor | undefined {
    if (length < 0 || this.offset + length > this.end) {
      this.#overrun();
      return undefined;
    }
    const sub = new Cursor(this.bytes, this.offset, this.offset + length);
    this.offset += length;
    return sub;
  }

  #overrun(): number {
    this.overrun = true;
    this.offset = this.end;
    return -1;
  }
}

function parseHelloBody(body: Uint8Array): HelloParse {
  const cursor = new Cursor(body, 0, body.length);
  cursor.skip(2 + 32); // legacy_version, random
  const sessionIdLength = cursor.u8();
  if (sessionIdLength > 32) return malformed('session id longer than 32 bytes');
  cursor.skip(sessionIdLength);
  const suitesLength = cursor.u16();
  if (suitesLength !== -1 && (suitesLength < 2 || suitesLength % 2 !== 0)) return malformed('bad cipher suite list');
  cursor.skip(suitesLength);
  const compressionLength = cursor.u8();
  if (compressionLength === 0) return malformed('empty compression method list');
  cursor.skip(compressionLength);
  if (cursor.overrun) return malformed('ClientHello truncated');
  // Extensions may be absent altogether (a bare SSL 3.0-style hello).
  const hello: ClientHello = { serverName: undefined, alpn: [] };
  if (cursor.remaining === 0) return { status: 'hello', hello };
  const extensionsLength = cursor.u16();
  if (extensionsLength !== cursor.remaining) return malformed('extensions length does not match the ClientHello');
  let sawServerName = false;
  let sawAlpn = false;
  while (cursor.remaining > 0) {
    const type = cursor.u16();
    const length = cursor.u16();
    const data = cursor.take(length);
    if (data === undefined) return malformed('extension overruns the ClientHello');
    // RFC 8446 §4.2: at most one extension of each type. Only the two that
    // route are checked: two server names would make the route ambiguous.
    if (type === EXT_SERVER_NAME) {
      if (sawServerName) return malformed('duplicate server_name extension');
      sawServerName = true;
      const outcome = readServerName(data);
      if (typeof outcome === 'object') return malformed(outcome.reason);
      hello.serverName = outcome;
    } else if (type === EXT_ALPN) {
      if (sawAlpn) return malformed('duplicate ALPN extension');
      sawAlpn = true;
      const protocols = readAlpn(data);
      if (protocols === undefined) return malformed('bad ALPN extension');
      hello.alpn = protocols;
    }
  }
  return { status: 'hello', hello };
}

/** The host_name of a server_name extension (undefined when the list names no host), or why it is malformed. */
function readServerName(data: Cursor): string | undefined | { reason: string } {
  const listLength = data.u16();
  if (listLength !== data.remaining || listLength === 0) return { reason: 'server_name list length mismatch' };
  let name: string | undefined;
  while (data.remaining > 0) {
    const nameType = data.u8();
    const length = data.u16();
    const entry = data.take(length);
    if (entry === undefined) return { reason: 'server_name entry overruns the extension' };
    if (nameType !== NAME_TYPE_HOST) continue;
    // RFC 6066 §3: at most one name of each type.
    if (name !== undefined) return { reason: 'two host names in server_name' };
    if (length === 0 || length > MAX_HOST_NAME) return { reason: 'host name length out of range' };
    name = hostName(entry);
    if (name === undefined) return { reason: 'host name has characters a DNS name cannot have' };
  }
  return name;
}

/**
 * The lowercased host name, or undefined when it has bytes a DNS name (letters,
 * digits, '-', '.', and '_', which real clients send) cannot hold: a NUL or a
 * space in a name must not route like a valid name.
 */
function hostName(entry: Cursor): string | undefined {
  let name = '';
  for (let i = entry.offset; i < entry.end; i++) {
    let code = entry.bytes[i] as number;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    const valid = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0x5f;
    if (!valid) return undefined;
    name += String.fromCharCode(code);
  }
  return name;
}

function readAlpn(data: Cursor): string[] | undefined {
  const listLength = data.u16();
  if (listLength !== data.remaining || listLength < 2) return undefined;
  const protocols: string[] = [];
  while (data.remaining > 0) {
    const length = data.u8();
    if (length <= 0) return undefined;
    const start = data.offset;
    if (!data.skip(length)) return undefined;
    protocols.push(latin1(data.bytes, start, data.offset));
  }
  return protocols;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}
