// Frontend client-certificate validation (GatewaySpec.tls.frontend, GEP-91):
// the CA bundle and mode an HTTPS listener validates client certificates
// with. `perPort` (when it names the listener's port) replaces `default` for
// the HTTPS listeners on that port; HTTP, TLS and TCP/UDP listeners are not
// affected.
//
// caCertificateRefs (FrontendTLSValidation): a core ConfigMap with the key
// ca.crt is the Core form; Portico also reads a core Secret's ca.crt (an
// implementation-specific kind the spec allows). Another kind →
// InvalidCACertificateKind; a missing object or key, or a bundle without a
// readable certificate → InvalidCACertificateRef; another namespace without a
// ReferenceGrant → RefNotPermitted. Any invalid ref sets the listener's
// ResolvedRefs=False (with the first problem's reason); when none is valid the
// listener is also Accepted=False with reason NoValidCACertificate and is not
// served. Valid bundles are joined into one.
import type { IRTlsServer } from '../../ir/types.ts';
import type { FrontendTLSValidation, Gateway, ObjectReference } from '../../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../../model/gatewayapi.ts';
import type { ListenerProblem } from '../listener.ts';
import { referencePermitted } from '../referencegrant.ts';
import type { ResourceIndex } from '../resource-index.ts';
import { ListenerReason } from '../status/reasons.ts';
import { readCaBundle } from './ca-bundle.ts';


export interface FrontendValidation {
  /** Absent when no ref is valid (or no validation is configured). */
  clientValidation: IRTlsServer['clientValidation'];
  /** ResolvedRefs=False for the listener. */
  problem: ListenerProblem | undefined;
  /** Every ref is invalid: Accepted=False/NoValidCACertificate, not served. */
  noneValid: boolean;
}

const NONE: FrontendValidation = { clientValidation: undefined, problem: undefined, noneValid: false };

/** The validation that applies to HTTPS listeners on `port`, if any. */
export function frontendValidationFor(gateway: Gateway, port: number): FrontendTLSValidation | undefined {
  const frontend = gateway.spec.tls?.frontend;
  if (frontend === undefined) return undefined;
  const perPort = frontend.perPort?.find((entry) => entry.port === port);
  return perPort === undefined ? frontend.default?.validation : perPort.tls?.validation;
}

type CaResolution = { ok: true; pem: string } | { ok: false; problem: ListenerProblem };

function resolveCaRef(ref: ObjectReference, gatewayNamespace: string, index: ResourceIndex): CaResolution {
  const group = ref.group ?? '';
  const kind = ref.kind;
  if (group !== '' || (kind !== 'ConfigMap' && kind !== 'Secret')) {
    return { ok: false, problem: { reason: ListenerReason.InvalidCACertificateKind, message: `caCertificateRef ${group === '' ? 'core' : group}/${kind} ${ref.name}: only core ConfigMaps and Secrets are supported` } };
  }
  const namespace = ref.namespace === undefined || ref.namespace === '' ? gatewayNamespace : ref.namespace;
  const display = `${kind} ${namespace}/${ref.name}`;
  const permitted = referencePermitted(index, { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace }, { group: '', kind, namespace, name: ref.name });
  if (!permitted) return { ok: false, problem: { reason: ListenerReason.RefNotPermitted, message: `caCertificateRef to ${display} is not permitted by any ReferenceGrant in namespace ${namespace}` } };
  const bundle = readCaBundle(kind, namespace, ref.name, index);
  if (bundle.ok) return { ok: true, pem: bundle.pem };
  return { ok: false, problem: { reason: ListenerReason.InvalidCACertificateRef, message: `caCertificateRef to ${display}: ${bundle.why}` } };
}

/** Resolves one validation block for a Gateway in `gatewayNamespace`. */
export function resolveFrontendValidation(validation: FrontendTLSValidation | undefined, gatewayNamespace: string, index: ResourceIndex): FrontendValidation {
  if (validation === undefined) return NONE;
  const pems: string[] = [];
  const problems: ListenerProblem[] = [];
  for (const ref of validation.caCertificateRefs ?? []) {
    const resolved = resolveCaRef(ref, gatewayNamespace, index);
    if (resolved.ok) pems.push(resolved.pem);
    else problems.push(resolved.problem);
  }
  const problem = problems.length === 0 ? undefined : { reason: problems[0]?.reason ?? ListenerReason.InvalidCACertificateRef, message: problems.map((p) => p.message).join('; ') };
  if (pems.length === 0) {
    return { clientValidation: undefined, problem: problem ?? { reason: ListenerReason.InvalidCACertificateRef, message: 'caCertificateRefs is empty' }, noneValid: true };
  }
  return { clientValidation: { caPem: pems.join(''), mode: validation.mode ?? 'AllowValidOnly' }, problem, noneValid: false };
}
