// A CA bundle named by a caCertificateRef: the `ca.crt` key of a core
// ConfigMap or Secret. Frontend client validation (Gateway spec.tls.frontend)
// and BackendTLSPolicy read bundles the same way; each turns a failure into
// its own condition reason and message.
import { inspectCaBundle } from '../../lib/x509.ts';
import type { ResourceIndex } from '../resource-index.ts';
import { secretValue } from './certificates.ts';

export const CA_KEY = 'ca.crt';

/** The bundle, ending in a newline so bundles concatenate; or why it is unusable ("not found", ...). */
export type CaBundle = { ok: true; pem: string } | { ok: false; why: string };

export function readCaBundle(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, index: ResourceIndex): CaBundle {
  let pem: string | undefined;
  if (kind === 'ConfigMap') {
    const configMap = index.configMap(namespace, name);
    if (configMap === undefined) return { ok: false, why: 'not found' };
    pem = configMap.data?.[CA_KEY];
  } else {
    const secret = index.secret(namespace, name);
    if (secret === undefined) return { ok: false, why: 'not found' };
    pem = secretValue(secret, CA_KEY);
  }
  if (pem === undefined) return { ok: false, why: `has no key ${CA_KEY}` };
  const check = inspectCaBundle(pem);
  if (!check.ok) return { ok: false, why: `${CA_KEY} ${check.problem}` };
  return { ok: true, pem: pem.endsWith('\n') ? pem : `${pem}\n` };
}
