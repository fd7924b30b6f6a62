// A terminating listener's certificateRefs (ListenerTLSConfig.certificateRefs)
// → the certificates it presents. Each ref must name a core Secret of type
// kubernetes.io/tls (tls.crt and tls.key, in `data` as base64 or in
// `stringData`), in the namespace of the listener's object (its Gateway or
// ListenerSet) unless a ReferenceGrant there lets that kind in that namespace
// refer to it (else RefNotPermitted; GEP-1713: a Gateway's grants are not a
// ListenerSet's, nor the other way round). A missing
// Secret, another kind or group, an unreadable PEM, a key that does not match
// the certificate, or a certificate that is not valid at translate's `now`
// make the ref invalid (InvalidCertificateRef). Several refs are allowed (an
// RSA and an ECDSA certificate, say); the listener serves with the valid ones.
import type { IRCertificate } from '../../ir/types.ts';
import { decodeBase64, inspectKeyPair, sha256Hex, validityProblem } from '../../lib/x509.ts';
import type { KeyPairCheck } from '../../lib/x509.ts';
import type { Secret } from '../../model/core.ts';
import type { SecretObjectReference } from '../../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../../model/gatewayapi.ts';
import { referencePermitted } from '../referencegrant.ts';
import type { ResourceIndex } from '../resource-index.ts';
import { ListenerReason } from '../status/reasons.ts';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export type CertificateResolution =
  | { ok: true; name: string; certificate: IRCertificate }
  | { ok: false; reason: typeof ListenerReason.InvalidCertificateRef | typeof ListenerReason.RefNotPermitted; message: string };

/** A key of a Secret: `stringData` wins over `data`, as the API server merges them. */
export function secretValue(secret: Secret, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : decodeBase64(encoded);
}

/** What a TLS Secret holds, read and checked once per Secret object. */
type SecretPair = { ok: false; problem: string } | { ok: true; check: KeyPairCheck & { ok: true }; certificate: IRCertificate };

// Per Secret object, not per text: every listener is resolved again when any
// Secret changes, and with thousands of tenant certificates a cache of texts
// (bounded, so cycled through) missed every time: each run decoded and
// parsed every certificate and key again (seconds at 5,000). An edited
// Secret is a new object, so it is read afresh; a dropped one is collected.
const secretPairs = new WeakMap<Secret, SecretPair>();

function secretPair(secret: Secret, display: string): SecretPair {
  let pair = secretPairs.get(secret);
  if (pair !== undefined) return pair;
  const certPem = secretValue(secret, 'tls.crt');
  const keyPem = secretValue(secret, 'tls.key');
  if (certPem === undefined || keyPem === undefined) pair = { ok: false, problem: `Secret ${display} needs both tls.crt and tls.key (base64 in data, or stringData)` };
  else {
    const check = inspectKeyPair(certPem, keyPem);
    pair = check.ok ? { ok: true, check, certificate: { certPem, keyPem, hash: sha256Hex(certPem, keyPem) } } : { ok: false, problem: `Secret ${display}: ${check.problem}` };
  }
  secretPairs.set(secret, pair);
  return pair;
}

function invalid(message: string): CertificateResolution {
  return { ok: false, reason: ListenerReason.InvalidCertificateRef, message };
}

/** One certificateRef written in a `fromKind` object (Gateway or ListenerSet) in `gatewayNamespace`, judged at `now`. */
export function resolveCertificateRef(ref: SecretObjectReference, gatewayNamespace: string, index: ResourceIndex, now: string, fromKind = 'Gateway'): CertificateResolution {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Secret';
  if (group !== '' || kind !== 'Secret') {
    return invalid(`certificateRef ${group === '' ? 'core' : group}/${kind} ${ref.name}: only core Secrets (group "", kind Secret) are supported`);
  }
  const namespace = ref.namespace === undefined || ref.namespace === '' ? gatewayNamespace : ref.namespace;
  const display = `${namespace}/${ref.name}`;
  const permitted = referencePermitted(
    index,
    { group: GATEWAY_GROUP, kind: fromKind, namespace: gatewayNamespace },
    { group: '', kind: 'Secret', namespace, name: ref.name },
  );
  if (!permitted) {
    return { ok: false, reason: ListenerReason.RefNotPermitted, message: `certificateRef to Secret ${display} is not permitted by any ReferenceGrant in namespace ${namespace}` };
  }
  const secret = index.secret(namespace, ref.name);
  if (secret === undefined) return invalid(`Secret ${display} not found`);
  if (secret.type !== TLS_SECRET_TYPE) return invalid(`Secret ${display} is of type ${secret.type ?? 'Opaque'}, not ${TLS_SECRET_TYPE}`);
  const pair = secretPair(secret, display);
  if (!pair.ok) return invalid(pair.problem);
  const expiry = validityProblem(pair.check, now);
  if (expiry !== undefined) return invalid(`Secret ${display}: ${expiry}`);
  return { ok: true, name: `secret/${namespace}/${ref.name}`, certificate: pair.certificate };
}
