// The client certificate a Gateway presents to TLS backends
// (GatewayBackendTLS.clientCertificateRef): a kubernetes.io/tls Secret, in the
// Gateway's namespace unless a ReferenceGrant there allows the reference. It
// is used for every backend the Gateway reaches over TLS (whether a backend
// gets TLS at all is the BackendTLSPolicy's call, not this field's).
//
// Its Gateway condition (gateway_types.go, GatewayConditionResolvedRefs):
// True ResolvedRefs when it resolves; False RefNotPermitted without a grant;
// False InvalidClientCertificateRef when the Secret is missing, of another
// kind, or its certificate and key are unusable. The condition is added only
// to Gateways that set the field. An invalid reference leaves the Gateway
// Accepted; its TLS backends are then dialled without a client certificate.
import type { IRCertificate } from '../ir/types.ts';
import type { Condition } from '../model/meta.ts';
import type { GatewayStatus } from '../model/gatewayapi.ts';
import type { GatewayContext } from './gateway.ts';
import type { ResourceIndex } from './resource-index.ts';
import type { ConditionClock, ConditionState } from './status/conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './status/conditions.ts';
import { ConditionType, ListenerReason } from './status/reasons.ts';
import { resolveCertificateRef } from './tls/certificates.ts';

export const GatewayClientCertificateReason = {
  ResolvedRefs: 'ResolvedRefs',
  RefNotPermitted: 'RefNotPermitted',
  InvalidClientCertificateRef: 'InvalidClientCertificateRef',
  ListenersNotResolved: 'ListenersNotResolved',
} as const;

export interface BackendClientCertificate {
  /** Name in the Gateway's certificate table ("secret/<ns>/<name>"); absent when the ref is invalid. */
  name?: string;
  certificate?: IRCertificate;
  condition: ConditionState;
}

/** Undefined when the Gateway sets no backend client certificate. */
export function resolveBackendClientCertificate(gateway: GatewayContext, index: ResourceIndex, now: string): BackendClientCertificate | undefined {
  const ref = gateway.gateway.spec.tls?.backend?.clientCertificateRef;
  if (ref === undefined) return undefined;
  const resolved = resolveCertificateRef(ref, gateway.namespace, index, now);
  if (!resolved.ok) {
    const reason = resolved.reason === ListenerReason.RefNotPermitted ? GatewayClientCertificateReason.RefNotPermitted : GatewayClientCertificateReason.InvalidClientCertificateRef;
    return { condition: conditionFalse(ConditionType.ResolvedRefs, reason, `tls.backend.clientCertificateRef: ${resolved.message}`) };
  }
  return {
    name: resolved.name,
    certificate: resolved.certificate,
    condition: conditionTrue(ConditionType.ResolvedRefs, GatewayClientCertificateReason.ResolvedRefs, 'all references are resolved'),
  };
}

/**
 * The Gateway status with the client certificate's ResolvedRefs condition. A
 * ResolvedRefs=False the status already carries is kept. The condition also
 * sums up the listeners' ResolvedRefs (GatewayConditionResolvedRefs): with a
 * valid client certificate and a listener whose references do not resolve,
 * it is False with reason ListenersNotResolved.
 */
export function withClientCertificateCondition(status: GatewayStatus, client: BackendClientCertificate | undefined, previous: readonly Condition[] | undefined, clock: ConditionClock): GatewayStatus {
  if (client === undefined) return status;
  const conditions = status.conditions;
  const existing = conditions.find((c) => c.type === ConditionType.ResolvedRefs);
  if (existing?.status === 'False') return status;
  const unresolved = (status.listeners ?? []).filter((l) => l.conditions.some((c) => c.type === ConditionType.ResolvedRefs && c.status === 'False')).map((l) => l.name);
  const state =
    client.condition.status === 'True' && unresolved.length > 0
      ? conditionFalse(ConditionType.ResolvedRefs, GatewayClientCertificateReason.ListenersNotResolved, `listeners with unresolved references: ${unresolved.join(', ')}`)
      : client.condition;
  const [finalized] = finalizeConditions([state], previous, clock);
  const rest = conditions.filter((c) => c.type !== ConditionType.ResolvedRefs);
  return { ...status, conditions: [...rest, finalized as Condition] };
}
