// A BackendTLSPolicy's validation block (BackendTLSPolicyValidation, GEP-1897)
// → the TLS settings of the backends it applies to, and its two conditions.
//
// - caCertificateRefs name core ConfigMaps (Core) or core Secrets (as Envoy
//   Gateway also reads) in the policy's namespace, with the bundle under
//   ca.crt. Another group or kind → ResolvedRefs=False InvalidKind; a missing
//   object or key, or no readable certificate in it → ResolvedRefs=False
//   InvalidCACertificateRef (the message names the ref). "Connections using
//   an invalid CACertificateRef MUST fail": with any ref invalid, requests to
//   the policy's backends answer 503 (Envoy Gateway fails them too); when no
//   ref is valid the policy is also Accepted=False NoValidCACertificate.
// - wellKnownCACertificates "System" trusts the well-known public roots;
//   another value → Accepted=False Invalid (so do both or neither set, which
//   the CRD's CEL rules forbid).
// - hostname is the SNI and, unless subjectAltNames is set, the name the
//   backend's certificate must carry; subjectAltNames (Hostname, URI) are
//   then the names it must carry one of.
import type { IRBackendTls, IRSubjectAltName } from '../ir/types.ts';
import type { BackendTLSPolicy, LocalObjectReference } from '../model/gatewayapi.ts';
import { namespaceOf } from './defaults.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { ConditionState } from './status/conditions.ts';
import { conditionFalse, conditionTrue } from './status/conditions.ts';
import { ConditionType } from './status/reasons.ts';
import { readCaBundle } from './tls/ca-bundle.ts';

/** Policy condition reasons (apis/v1 policy_types.go and backendtlspolicy_types.go). */
export const PolicyReason = {
  Accepted: 'Accepted',
  Conflicted: 'Conflicted',
  Invalid: 'Invalid',
  NoValidCACertificate: 'NoValidCACertificate',
  ResolvedRefs: 'ResolvedRefs',
  InvalidCACertificateRef: 'InvalidCACertificateRef',
  InvalidKind: 'InvalidKind',
} as const;

const SYSTEM = 'System';

export interface PolicyValidation {
  /** The backend TLS settings, without the Gateway's client certificate. */
  tls: IRBackendTls;
  accepted: ConditionState;
  resolvedRefs: ConditionState;
}

type CaRef = { ok: true; pem: string } | { ok: false; reason: string; message: string };

function resolveCaRef(ref: LocalObjectReference, namespace: string, index: ResourceIndex): CaRef {
  if (ref.group !== '' || (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret')) {
    const kind = `${ref.group === '' ? 'core' : ref.group}/${ref.kind}`;
    return { ok: false, reason: PolicyReason.InvalidKind, message: `caCertificateRef ${kind} ${ref.name}: only core ConfigMaps (and Secrets) are supported` };
  }
  const bundle = readCaBundle(ref.kind, namespace, ref.name, index);
  if (bundle.ok) return { ok: true, pem: bundle.pem };
  return { ok: false, reason: PolicyReason.InvalidCACertificateRef, message: `caCertificateRef to ${ref.kind} ${namespace}/${ref.name}: ${bundle.why}` };
}

function subjectAltNames(policy: BackendTLSPolicy): IRSubjectAltName[] | undefined {
  const names: IRSubjectAltName[] = [];
  for (const san of policy.spec.validation.subjectAltNames ?? []) {
    if (san.type === 'Hostname' && san.hostname !== undefined && san.hostname !== '') names.push({ type: 'Hostname', value: san.hostname.toLowerCase() });
    else if (san.type === 'URI' && san.uri !== undefined && san.uri !== '') names.push({ type: 'URI', value: san.uri });
  }
  return names.length === 0 ? undefined : names;
}

const RESOLVED = conditionTrue(ConditionType.ResolvedRefs, PolicyReason.ResolvedRefs, 'all references are resolved');

function notAccepted(tls: IRBackendTls, reason: string, message: string, resolvedRefs: ConditionState = RESOLVED): PolicyValidation {
  return { tls: { ...tls, invalid: message }, accepted: conditionFalse(ConditionType.Accepted, reason, message), resolvedRefs };
}

/** Judges one policy's validation block against the ConfigMaps and Secrets of the snapshot. */
export function validatePolicy(policy: BackendTLSPolicy, index: ResourceIndex): PolicyValidation {
  const namespace = namespaceOf(policy.metadata);
  const validation = policy.spec.validation;
  const sans = subjectAltNames(policy);
  const base: IRBackendTls = { sni: validation.hostname.toLowerCase(), ...(sans === undefined ? {} : { subjectAltNames: sans }) };
  const refs = validation.caCertificateRefs ?? [];
  const wellKnown = validation.wellKnownCACertificates ?? '';

  if (refs.length > 0 && wellKnown !== '') return notAccepted(base, PolicyReason.Invalid, 'caCertificateRefs and wellKnownCACertificates must not both be set');
  if (refs.length === 0) {
    if (wellKnown === '') return notAccepted(base, PolicyReason.Invalid, 'one of caCertificateRefs or wellKnownCACertificates must be set');
    if (wellKnown !== SYSTEM) return notAccepted(base, PolicyReason.Invalid, `wellKnownCACertificates ${wellKnown} is not supported (only ${SYSTEM})`);
    return { tls: { ...base, systemRoots: true }, accepted: policyAccepted(), resolvedRefs: RESOLVED };
  }

  const pems: string[] = [];
  const problems: { reason: string; message: string }[] = [];
  for (const ref of refs) {
    const resolved = resolveCaRef(ref, namespace, index);
    if (resolved.ok) pems.push(resolved.pem);
    else problems.push(resolved);
  }
  const first = problems[0];
  const resolvedRefs = first === undefined ? RESOLVED : conditionFalse(ConditionType.ResolvedRefs, first.reason, problems.map((p) => p.message).join('; '));
  if (pems.length === 0) return notAccepted(base, PolicyReason.NoValidCACertificate, `no valid CA certificate: ${resolvedRefs.message}`, resolvedRefs);
  const tls: IRBackendTls = { ...base, caPem: pems.join(''), ...(first === undefined ? {} : { invalid: `invalid CA certificate reference: ${resolvedRefs.message}` }) };
  return { tls, accepted: policyAccepted(), resolvedRefs };
}

export function policyAccepted(): ConditionState {
  return conditionTrue(ConditionType.Accepted, PolicyReason.Accepted, 'the policy is accepted');
}

export function policyConflicted(winner: BackendTLSPolicy): ConditionState {
  return conditionFalse(
    ConditionType.Accepted,
    PolicyReason.Conflicted,
    `BackendTLSPolicy ${namespaceOf(winner.metadata)}/${winner.metadata.name} takes precedence for the same target (older, or first by namespace/name)`,
  );
}
