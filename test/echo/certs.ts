// Throwaway certificates for TLS tests, made with the openssl command line: a CA,
// and leaf certificates it signs (or self-signed ones it does not).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: KeyPair;
  /** A certificate for `dnsName`, signed by the CA (self-signed when `signed` is false). */
  issue(dnsName: string, signed?: boolean): Promise<KeyPair>;
  remove(): Promise<void>;
}

/** Why TLS tests cannot run here, or false when they can. */
export function opensslMissing(): string | false {
  return spawnSync('openssl', ['version']).status === 0 ? false : 'the openssl command is not installed (apt-get install -y openssl)';
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-pki-'));
  const path = (name: string): string => join(dir, name);
  await run('openssl', ['req', '-x509', ...EC, '-keyout', path('ca.key'), '-out', path('ca.crt'), '-days', '1', '-subj', '/CN=portico-test-ca']);
  const ca = { cert: await readFile(path('ca.crt'), 'utf8'), key: await readFile(path('ca.key'), 'utf8') };
  let serial = 0;
  return {
    ca,
    async issue(dnsName, signed = true) {
      const name = `leaf-${++serial}`;
      const san = `subjectAltName=DNS:${dnsName}`;
      if (signed) {
        await run('openssl', ['req', ...EC, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=${dnsName}`]);
        await writeFile(path(`${name}.ext`), `${san}\n`);
        await run('openssl', ['x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-set_serial', String(serial), '-days', '1', '-extfile', path(`${name}.ext`), '-out', path(`${name}.crt`)]);
      } else {
        await run('openssl', ['req', '-x509', ...EC, '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '1', '-subj', `/CN=${dnsName}`, '-addext', san]);
      }
      return { cert: await readFile(path(`${name}.crt`), 'utf8'), key: await readFile(path(`${name}.key`), 'utf8') };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
