// ReferenceGrant (apis/v1 referencegrant_types.go): a reference from an object
// in one namespace to an object in another is allowed only when a
// ReferenceGrant in the target namespace lists the source (group, kind,
// namespace) in `from` and the target (group, kind, optional name) in `to`.
import type { ResourceIndex } from './resource-index.ts';

export interface ReferenceSource {
  group: string;
  kind: string;
  namespace: string;
}

export interface ReferenceTarget {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Same-namespace references need no grant. */
export function referencePermitted(index: ResourceIndex, from: ReferenceSource, to: ReferenceTarget): boolean {
  if (from.namespace === to.namespace) return true;
  return index.referenceGrants(to.namespace).some(
    (grant) =>
      grant.spec.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      grant.spec.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === '' || t.name === to.name)),
  );
}
