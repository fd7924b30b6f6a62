// What a piece of memoized work looked up in the ResourceIndex, and whether it
// would look up the same today. Work done through a recording index notes
// every lookup and its answer; on the next snapshot the work is reused only if
// every lookup of a kind that changed answers with the same objects again.
// Lookups of kinds that did not change are not even repeated.
import type { IndexedKind, ResourceIndex } from './resource-index.ts';

export interface IndexRead {
  kind: IndexedKind;
  namespace: string;
  name: string;
  /** The answer: an object, undefined, or a list of objects. */
  answer: unknown;
  /** backendTLSPolicies: the Service port's name. */
  portName?: string | undefined;
}

/** An index that answers as `index` does and appends each lookup to `reads`. */
export function recordingIndex(index: ResourceIndex, reads: IndexRead[]): ResourceIndex {
  return {
    service(namespace, name) {
      const answer = index.service(namespace, name);
      reads.push({ kind: 'services', namespace, name, answer });
      return answer;
    },
    endpointSlices(namespace, serviceName) {
      const answer = index.endpointSlices(namespace, serviceName);
      reads.push({ kind: 'endpointSlices', namespace, name: serviceName, answer });
      return answer;
    },
    referenceGrants(namespace) {
      const answer = index.referenceGrants(namespace);
      reads.push({ kind: 'referenceGrants', namespace, name: '', answer });
      return answer;
    },
    namespaceLabels(namespace) {
      const answer = index.namespaceLabels(namespace);
      reads.push({ kind: 'namespaces', namespace, name: '', answer });
      return answer;
    },
    secret(namespace, name) {
      const answer = index.secret(namespace, name);
      reads.push({ kind: 'secrets', namespace, name, answer });
      return answer;
    },
    configMap(namespace, name) {
      const answer = index.configMap(namespace, name);
      reads.push({ kind: 'configMaps', namespace, name, answer });
      return answer;
    },
    backendTlsPolicy(namespace, service, portName) {
      const answer = index.backendTlsPolicy(namespace, service, portName);
      reads.push({ kind: 'backendTLSPolicies', namespace, name: service, portName, answer });
      return answer;
    },
  };
}

function lookUp(index: ResourceIndex, read: IndexRead): unknown {
  switch (read.kind) {
    case 'services':
      return index.service(read.namespace, read.name);
    case 'endpointSlices':
      return index.endpointSlices(read.namespace, read.name);
    case 'referenceGrants':
      return index.referenceGrants(read.namespace);
    case 'namespaces':
      return index.namespaceLabels(read.namespace);
    case 'secrets':
      return index.secret(read.namespace, read.name);
    case 'configMaps':
      return index.configMap(read.namespace, read.name);
    case 'backendTLSPolicies':
      return index.backendTlsPolicy(read.namespace, read.name, read.portName);
  }
}

function sameAnswer(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when every recorded lookup of a changed kind answers with the same objects in `index`. */
export function readsStillValid(reads: readonly IndexRead[], index: ResourceIndex, changed: ReadonlySet<IndexedKind>): boolean {
  if (changed.size === 0) return true;
  for (const read of reads) {
    if (changed.has(read.kind) && !sameAnswer(read.answer, lookUp(index, read))) return false;
  }
  return true;
}
