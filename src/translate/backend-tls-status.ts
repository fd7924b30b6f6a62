// BackendTLSPolicy status (PolicyStatus, GEP-713): one ancestor entry per
// Gateway whose routes use a Service port the policy selects, each with
// Accepted (True; False Conflicted, NoValidCACertificate or Invalid) and
// ResolvedRefs (True; False InvalidCACertificateRef or InvalidKind).
// Ancestors are Gateways, named without sectionName, as Envoy Gateway
// names the route's parent Gateway. Entries written by other controllers are
// kept after ours; the API allows 16 entries in all, so ours are cut to fit.
import type { BackendTLSPolicy, PolicyAncestorStatus, PolicyStatus } from '../model/gatewayapi.ts';
import { GATEWAY_GROUP } from '../model/gatewayapi.ts';
import type { BackendTlsApplier } from './backend-tls-apply.ts';
import { policyConflicted } from './backend-tls-validation.ts';
import { namespaceOf } from './defaults.ts';
import type { ConditionClock } from './status/conditions.ts';
import { finalizeConditions } from './status/conditions.ts';
import type { StatusUpdate } from './status-update.ts';

const MAX_ANCESTORS = 16;

function buildPolicyStatus(policy: BackendTLSPolicy, applier: BackendTlsApplier, controllerName: string, clock: ConditionClock): PolicyStatus {
  const previous = policy.status?.ancestors ?? [];
  const others = previous.filter((entry) => entry.controllerName !== controllerName);
  const validation = applier.validation(policy);
  const winner = applier.selection.conflicts.get(policy);
  const states = [winner === undefined ? validation.accepted : policyConflicted(winner), validation.resolvedRefs];
  const ours: PolicyAncestorStatus[] = applier
    .ancestors(policy)
    .slice(0, Math.max(0, MAX_ANCESTORS - others.length))
    .map(({ namespace, name }) => {
      const before = previous.find(
        (entry) =>
          entry.controllerName === controllerName &&
          (entry.ancestorRef.kind ?? 'Gateway') === 'Gateway' &&
          entry.ancestorRef.name === name &&
          (entry.ancestorRef.namespace ?? namespaceOf(policy.metadata)) === namespace,
      );
      return {
        ancestorRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace, name },
        controllerName,
        conditions: finalizeConditions(states, before?.conditions, clock),
      };
    });
  return { ancestors: [...ours, ...others] };
}

/** The status of every BackendTLSPolicy, sorted by namespace/name (call after every Gateway went through `applier`). */
export function buildPolicyStatuses(policies: readonly BackendTLSPolicy[], applier: BackendTlsApplier, controllerName: string, now: string): StatusUpdate[] {
  const updates = policies.map((policy) => ({
    apiVersion: policy.apiVersion,
    kind: 'BackendTLSPolicy',
    metadata: { namespace: namespaceOf(policy.metadata), name: policy.metadata.name },
    status: buildPolicyStatus(policy, applier, controllerName, { now, generation: policy.metadata.generation }),
  }));
  const key = (update: StatusUpdate) => `${update.metadata.namespace ?? ''}/${update.metadata.name}`;
  return updates.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
