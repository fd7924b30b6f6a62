// A throw-away certificate for the HTTPS and HTTP/2 scenarios, made with
// openssl at run time in the bench's temporary directory (nothing secret is
// kept in the repository). ECDSA P-256, the key type most sites serve today,
// valid for the bench hostname.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BENCH_HOST } from './routes.ts';

const run = promisify(execFile);

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Certificate and key in one file (HAProxy's `crt`). */
  pemFile: string;
  certPem: string;
  keyPem: string;
}

export async function makeTestCertificate(openssl: string, dir: string): Promise<TlsFiles> {
  const certFile = join(dir, 'bench-cert.pem');
  const keyFile = join(dir, 'bench-key.pem');
  const pemFile = join(dir, 'bench-combined.pem');
  await run(openssl, [
    'req', '-x509', '-nodes', '-days', '2',
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', keyFile, '-out', certFile,
    '-subj', `/CN=${BENCH_HOST}`, '-addext', `subjectAltName=DNS:${BENCH_HOST},DNS:*.${BENCH_HOST}`,
  ]);
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  await writeFile(pemFile, `${certPem}${keyPem}`);
  return { certFile, keyFile, pemFile, certPem, keyPem };
}
