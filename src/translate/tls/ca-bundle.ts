// A CA bundle named by a caCertificateRef: the `ca.crt` key of a core
// ConfigMap or Secret. Frontend client validation (Gateway spec.tls.frontend)
// and BackendTLSPolicy read bundles the same way; each turns a failure into
// its own condition reason and message.
import { inspectCaBundle } from '../../lib/x509.ts';
import type { ConfigMap, Secret } from '../../model/core.ts';
import type { ResourceIndex } from '../resource-index.ts';
import { secretValue } from './certificates.ts';

export const CA_KEY = 'ca.crt';

/** The bundle, ending in a newline so bundles concatenate; or why it is unusable ("not found", ...). */
export type CaBundle = { ok: true; pem: string } | { ok: false; why: string };

// Per object, not per text (the text cache in lib/x509.ts is bounded, and
// thousands of tenants' bundles would cycle through it on every run): an
// edited ConfigMap or Secret is a new object, read afresh.
const bundles = new WeakMap<ConfigMap | Secret, CaBundle>();

function bundleOf(object: ConfigMap | Secret, pem: string | undefined): CaBundle {
  let bundle = bundles.get(object);
  if (bundle !== undefined) return bundle;
  if (pem === undefined) bundle = { ok: false, why: `has no key ${CA_KEY}` };
  else {
    const check = inspectCaBundle(pem);
    bundle = check.ok ? { ok: true, pem: pem.endsWith('\n') ? pem : `${pem}\n` } : { ok: false, why: `${CA_KEY} ${check.problem}` };
  }
  bundles.set(object, bundle);
  return bundle;
}

export function readCaBundle(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, index: ResourceIndex): CaBundle {
  if (kind === 'ConfigMap') {
    const configMap = index.configMap(namespace, name);
    return configMap === undefined ? { ok: false, why: 'not found' } : bundleOf(configMap, configMap.data?.[CA_KEY]);
  }
  const secret = index.secret(namespace, name);
  return secret === undefined ? { ok: false, why: 'not found' } : bundleOf(secret, secretValue(secret, CA_KEY));
}
