// Throwaway certificate authorities and certificates for the TLS front door
// tests, made with the openssl command line: ECDSA or RSA leaves, several
// names per certificate, client certificates.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IRCertificate } from '../../src/ir/types.ts';

const run = promisify(execFile);

export interface Issued {
  cert: string;
  key: string;
}

export interface IssueOptions {
  /** Default 'ec' (P-256). */
  keyType?: 'ec' | 'rsa';
  /** subjectAltName DNS names; default [commonName]. */
  dnsNames?: string[];
  uris?: string[];
}

export interface Authority {
  /** The CA certificate (PEM). */
  cert: string;
  issue(commonName: string, options?: IssueOptions): Promise<Issued>;
}

export interface Pki {
  authority(name: string): Promise<Authority>;
  remove(): Promise<void>;
}

function keyArguments(type: 'ec' | 'rsa'): string[] {
  return type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'] : ['-newkey', 'rsa:2048', '-nodes'];
}

export async function createPki(): Promise<Pki> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-l4-pki-'));
  const path = (name: string): string => join(dir, name);
  let serial = 0;
  return {
    async authority(name) {
      const ca = `ca-${++serial}`;
      await run('openssl', ['req', '-x509', ...keyArguments('ec'), '-keyout', path(`${ca}.key`), '-out', path(`${ca}.crt`), '-days', '1', '-subj', `/CN=${name}`]);
      return {
        cert: await readFile(path(`${ca}.crt`), 'utf8'),
        async issue(commonName, options = {}) {
          const leaf = `leaf-${++serial}`;
          const names = [...(options.dnsNames ?? [commonName]).map((dns) => `DNS:${dns}`), ...(options.uris ?? []).map((uri) => `URI:${uri}`)];
          await run('openssl', ['req', ...keyArguments(options.keyType ?? 'ec'), '-keyout', path(`${leaf}.key`), '-out', path(`${leaf}.csr`), '-subj', `/O=Portico Tests/CN=${commonName}`]);
          await writeFile(path(`${leaf}.ext`), `subjectAltName=${names.join(',')}\n`);
          await run('openssl', ['x509', '-req', '-in', path(`${leaf}.csr`), '-CA', path(`${ca}.crt`), '-CAkey', path(`${ca}.key`), '-set_serial', String(serial), '-days', '1', '-extfile', path(`${leaf}.ext`), '-out', path(`${leaf}.crt`)]);
          return { cert: await readFile(path(`${leaf}.crt`), 'utf8'), key: await readFile(path(`${leaf}.key`), 'utf8') };
        },
      };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The IR form of a certificate, hashed as translate hashes it. */
export function irCertificate(issued: Issued): IRCertificate {
  return { certPem: issued.cert, keyPem: issued.key, hash: createHash('sha256').update(issued.cert).update(issued.key).digest('hex') };
}
