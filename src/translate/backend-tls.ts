// Which BackendTLSPolicy applies to a Service port (GEP-1897,
// BackendTLSPolicySpec.targetRefs).
//
// A policy targets core Services in its own namespace (targetRefs are local),
// the whole Service or, with sectionName, the Service port of that name. For
// a Service port, a policy naming the port beats one naming the whole Service.
// When several policies select the same target and sectionName, the oldest
// (creationTimestamp) wins, then the first by "{namespace}/{name}"; the others
// are Accepted=False with reason Conflicted.
//
// A policy with several targetRefs that loses any one of them is conflicted
// as a whole and applies nowhere, as Envoy Gateway does (the spec advises a
// single targetRef and leaves several unspecified). Policies claim their
// targets in precedence order, so a target a conflicted policy would have
// held goes to the next policy naming it.
import type { BackendTLSPolicy } from '../model/gatewayapi.ts';
import { namespaceOf } from './defaults.ts';

/** The Service port a backend connects to: what a targetRef selects. */
export interface ServicePortTarget {
  namespace: string;
  service: string;
  /** The Service port's name ("" or absent when unnamed: only whole-Service policies apply). */
  portName: string | undefined;
}

export interface PolicySelection {
  /** The policy that applies to a Service port, if any. */
  policyFor(target: ServicePortTarget): BackendTLSPolicy | undefined;
  /**
   * The policies competing for the Service port: those naming the port when
   * there are any, else those naming the whole Service (conflicted ones
   * too). They report the Gateways using the port as ancestors; a
   * whole-Service policy does not, for a port a sectionName policy holds.
   */
  policiesSelecting(target: ServicePortTarget): readonly BackendTLSPolicy[];
  /** Conflicted policies, with the policy that beat them. */
  conflicts: ReadonlyMap<BackendTLSPolicy, BackendTLSPolicy>;
  /** Whether any policy targets a Service at all (when not, nothing else needs doing). */
  empty: boolean;
}

function policyName(policy: BackendTLSPolicy): string {
  return `${namespaceOf(policy.metadata)}/${policy.metadata.name}`;
}

/**
 * Precedence (BackendTLSPolicySpec.targetRefs): older first, then by
 * namespace/name. creationTimestamp is RFC 3339 in UTC to the second, as the
 * API server writes it, so the text orders as the time does. A policy without
 * one (a file not yet applied) sorts after those with one.
 */
export function comparePolicies(a: BackendTLSPolicy, b: BackendTLSPolicy): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta === '' ? 1 : tb === '' ? -1 : ta < tb ? -1 : 1;
  const na = policyName(a);
  const nb = policyName(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function targetKey(namespace: string, service: string, section: string): string {
  return `${namespace}/${service}#${section}`;
}

const EMPTY_LIST: readonly BackendTLSPolicy[] = Object.freeze([]);

/** Indexes the policies of one snapshot by the Service (and port name) they target. */
export function selectPolicies(policies: readonly BackendTLSPolicy[]): PolicySelection {
  // Every policy under each target it names, in precedence order.
  const byTarget = new Map<string, BackendTLSPolicy[]>();
  const targetsOf = new Map<BackendTLSPolicy, string[]>();
  for (const policy of [...policies].sort(comparePolicies)) {
    const namespace = namespaceOf(policy.metadata);
    const keys: string[] = [];
    for (const ref of policy.spec.targetRefs) {
      if (ref.group !== '' || ref.kind !== 'Service') continue;
      const key = targetKey(namespace, ref.name, ref.sectionName ?? '');
      if (keys.includes(key)) continue;
      keys.push(key);
      const list = byTarget.get(key);
      if (list === undefined) byTarget.set(key, [policy]);
      else list.push(policy);
    }
    targetsOf.set(policy, keys);
  }

  // In precedence order, a policy claims its targets unless one is already claimed: then it is conflicted and claims none.
  const claimed = new Map<string, BackendTLSPolicy>();
  const conflicts = new Map<BackendTLSPolicy, BackendTLSPolicy>();
  for (const [policy, keys] of targetsOf) {
    const holder = keys.map((key) => claimed.get(key)).find((p) => p !== undefined);
    if (holder !== undefined) conflicts.set(policy, holder);
    else for (const key of keys) claimed.set(key, policy);
  }

  return {
    policyFor({ namespace, service, portName }) {
      const section = portName === undefined || portName === '' ? undefined : claimed.get(targetKey(namespace, service, portName));
      return section ?? claimed.get(targetKey(namespace, service, ''));
    },
    policiesSelecting({ namespace, service, portName }) {
      const section = portName === undefined || portName === '' ? undefined : byTarget.get(targetKey(namespace, service, portName));
      return section ?? byTarget.get(targetKey(namespace, service, '')) ?? EMPTY_LIST;
    },
    conflicts,
    empty: byTarget.size === 0,
  };
}
