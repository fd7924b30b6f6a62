// Thousands of X.509 certificates in about a second: node:crypto makes the
// ECDSA P-256 keys and signs, and this file writes the DER around them (the
// few structures of RFC 5280 a CA and a server certificate need). The tests'
// PKI (test/l4/pki.ts) runs openssl three times per certificate, which for
// 5,000 certificates takes minutes; this is the same job without processes.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** Hex serial number, as node's X509Certificate.serialNumber prints it (upper case). */
  serial: string;
}

// ------------------------------------------------------------------ DER

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const explicit = (tagNumber: number, content: Buffer): Buffer => tlv(0xa0 | tagNumber, content);
const octetString = (content: Buffer): Buffer => tlv(0x04, content);
const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** A non-negative INTEGER from big-endian bytes (a leading zero when the top bit is set). */
function integer(bytes: Buffer): Buffer {
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift(value % 128);
      if (value < 128) break;
    }
    bytes.push(...groups.map((group, i) => (i < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (years 1950–2049, which is all a bench needs). */
function time(date: Date): Buffer {
  const two = (value: number): string => String(value).padStart(2, '0');
  const text = `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
};

function name(commonName: string): Buffer {
  return sequence(set(sequence(objectId(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectId(oid), ...(critical ? [TRUE] : []), octetString(value));
}

// ------------------------------------------------------------------ certificates

interface Signer {
  commonName: string;
  key: KeyObject;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function certificate(subject: string, issuer: Signer, publicKey: KeyObject, extensions: Buffer[], days: number): { der: Buffer; serial: string } {
  const serialBytes = randomBytes(12);
  serialBytes[0] = ((serialBytes[0] ?? 0) & 0x7f) | 0x01; // positive, and never a leading zero byte to trim
  const algorithm = sequence(objectId(OID.ecdsaWithSha256));
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serialBytes),
    algorithm,
    name(issuer.commonName),
    sequence(time(new Date(now - 3_600_000)), time(new Date(now + days * 86_400_000))),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  return { der: sequence(tbs, algorithm, bitString(signature)), serial: serialBytes.toString('hex').toUpperCase() };
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface BenchAuthority {
  certPem: string;
  /** A server certificate for `dnsName` (also its common name), with a fresh key. */
  issue(dnsName: string): IssuedCertificate;
}

/** A throw-away CA (its key lives only in this process) valid for `days`. */
export function createAuthority(commonName: string, days = 2): BenchAuthority {
  const { privateKey, publicKey } = newKey();
  const self: Signer = { commonName, key: privateKey };
  const ca = certificate(commonName, self, publicKey, [
    extension(OID.basicConstraints, true, sequence(TRUE)),
    // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000_0110 with one unused bit.
    extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x01, 0x06]))),
  ], days);
  return {
    certPem: pem(ca.der),
    issue(dnsName) {
      const leaf = newKey();
      const issued = certificate(dnsName, self, leaf.publicKey, [
        extension(OID.basicConstraints, true, sequence()),
        // digitalSignature (bit 0): 0b1000_0000 with seven unused bits.
        extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x07, 0x80]))),
        extension(OID.subjectAltName, false, sequence(tlv(0x82, Buffer.from(dnsName, 'ascii')))),
      ], days);
      return { certPem: pem(issued.der), keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), serial: issued.serial };
    },
  };
}

