// Certificate and key checks for translate (listener certificates, client CA
// bundles): PEM parsing with node:crypto, nothing else. Deterministic and
// clock-free: validity is returned as a window, and the caller compares it
// with the time it was given. Results are kept per input text, so a Secret
// that did not change is parsed once.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;

export type KeyPairCheck =
  /** `notBefore`/`notAfter`: the leaf's validity window, in ms since the epoch. */
  | { ok: true; notBefore: number; notAfter: number }
  | { ok: false; problem: string };

export type CaBundleCheck = { ok: true; certificates: number } | { ok: false; problem: string };

function certificatesIn(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function checkKeyPair(certPem: string, keyPem: string): KeyPairCheck {
  const blocks = certificatesIn(certPem);
  if (blocks.length === 0) return { ok: false, problem: 'tls.crt holds no PEM certificate' };
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(blocks[0] as string);
    for (const block of blocks.slice(1)) new X509Certificate(block);
  } catch (error) {
    return { ok: false, problem: `tls.crt is not a valid certificate: ${firstLine(error)}` };
  }
  if (!PEM_BLOCK.test(keyPem)) return { ok: false, problem: 'tls.key holds no PEM private key' };
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch (error) {
    return { ok: false, problem: `tls.key is not a valid private key: ${firstLine(error)}` };
  }
  if (!matches) return { ok: false, problem: 'tls.key does not match the certificate in tls.crt' };
  return { ok: true, notBefore: leaf.validFromDate.getTime(), notAfter: leaf.validToDate.getTime() };
}

function checkCaBundle(pem: string): CaBundleCheck {
  const blocks = certificatesIn(pem);
  if (blocks.length === 0) return { ok: false, problem: 'holds no PEM certificate' };
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch (error) {
    return { ok: false, problem: `is not a valid certificate: ${firstLine(error)}` };
  }
  return { ok: true, certificates: blocks.length };
}

/** A small cache keyed by the input text: the same Secret text is parsed once. */
class TextCache<T> {
  readonly #entries = new Map<string, T>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string, make: () => T): T {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    if (this.#entries.size >= this.#limit) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, value);
    return value;
  }
}

const keyPairs = new TextCache<KeyPairCheck>(1024);
const caBundles = new TextCache<CaBundleCheck>(256);
const hashes = new TextCache<string>(1024);

/** Whether a PEM chain (leaf first) and a PEM private key make a usable pair. */
export function inspectKeyPair(certPem: string, keyPem: string): KeyPairCheck {
  return keyPairs.get(`${certPem}\u0000${keyPem}`, () => checkKeyPair(certPem, keyPem));
}

/** Whether a PEM bundle holds at least one certificate and only valid ones. */
export function inspectCaBundle(pem: string): CaBundleCheck {
  return caBundles.get(pem, () => checkCaBundle(pem));
}

/** Hex SHA-256 of the concatenated texts. */
export function sha256Hex(...texts: string[]): string {
  const key = texts.join('\u0000');
  return hashes.get(key, () => {
    const hash = createHash('sha256');
    for (const text of texts) hash.update(text);
    return hash.digest('hex');
  });
}

/** Kubernetes `data` values are base64; undefined when the text is not. */
export function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Why a certificate with this validity window cannot be used at `now` (RFC 3339); undefined when it can. */
export function validityProblem(window: { notBefore: number; notAfter: number }, now: string): string | undefined {
  const at = Date.parse(now);
  if (Number.isNaN(at)) return undefined;
  if (at < window.notBefore) return `the certificate is not valid before ${new Date(window.notBefore).toISOString()}`;
  if (at > window.notAfter) return `the certificate expired at ${new Date(window.notAfter).toISOString()}`;
  return undefined;
}
