// Kubernetes object metadata and the small shared shapes every kind uses.
// Plain data only: no I/O, no behaviour beyond key helpers.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  creationTimestamp?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** metav1.Condition as written in status. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** Where an object came from, for diagnostics (file provider: path and line). */
export interface SourceLocation {
  file: string;
  line: number;
}

/** The identity of a namespaced object: "Kind/namespace/name". */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

export function objectKeyString(key: ObjectKey): string {
  return `${key.kind}/${key.namespace}/${key.name}`;
}

/** namespace/name, the form used in logs and status messages. */
export function namespacedName(meta: { namespace?: string; name: string }): string {
  return `${meta.namespace ?? 'default'}/${meta.name}`;
}
