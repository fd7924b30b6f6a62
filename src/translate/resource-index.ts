// Lookups over one ResourceSet, so that nothing scans a whole list per route:
// Services, Secrets and ConfigMaps by namespace/name, EndpointSlices by the
// Service they serve, ReferenceGrants by namespace, namespace labels, and the
// BackendTLSPolicy that applies to a Service port.
//
// A ResourceIndexer builds the index of each snapshot from the previous one:
// a kind whose objects are the same instances as last time (the providers
// keep unchanged objects' identity) keeps its lookup tables, and the result
// says which kinds changed, so memoized work that read only unchanged kinds
// is known to be still valid without looking again (index-reads.ts).
import type { ConfigMap, EndpointSlice, Namespace, Secret, Service } from '../model/core.ts';
import { SERVICE_NAME_LABEL } from '../model/core.ts';
import type { BackendTLSPolicy, ReferenceGrant } from '../model/gatewayapi.ts';
import type { PolicySelection } from './backend-tls.ts';
import { selectPolicies } from './backend-tls.ts';
import type { ResourceSet } from '../model/resources.ts';
import { namespaceOf } from './defaults.ts';
import type { Labels } from './labelselector.ts';

/** Every namespace carries this label with its own name (Kubernetes ≥ 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ResourceIndex {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled for a Service, in a stable order. */
  endpointSlices(namespace: string, serviceName: string): readonly EndpointSlice[];
  referenceGrants(namespace: string): readonly ReferenceGrant[];
  /** The same object for as long as the Namespace object (or its absence) stays. */
  namespaceLabels(namespace: string): Labels;
  secret(namespace: string, name: string): Secret | undefined;
  configMap(namespace: string, name: string): ConfigMap | undefined;
  /**
   * The BackendTLSPolicy that applies to a Service port (backend-tls.ts: a
   * policy naming the port beats one naming the Service; conflicted ones
   * apply nowhere). `portName` "" or undefined: whole-Service policies only.
   */
  backendTlsPolicy(namespace: string, service: string, portName: string | undefined): BackendTLSPolicy | undefined;
}

/** The kinds an index looks up, each with its own tables. */
export type IndexedKind = 'services' | 'endpointSlices' | 'referenceGrants' | 'namespaces' | 'secrets' | 'configMaps' | 'backendTLSPolicies';

const EMPTY: readonly never[] = Object.freeze([]);

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function byName<T extends { metadata: { name: string } }>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

function firstByKey<T extends { metadata: { name: string; namespace?: string } }>(objects: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const object of objects) {
    const k = key(namespaceOf(object.metadata), object.metadata.name);
    if (!map.has(k)) map.set(k, object);
  }
  return map;
}

function groupBy<T>(objects: readonly T[], keyOf: (object: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const object of objects) {
    const k = keyOf(object);
    if (k === undefined) continue;
    const list = map.get(k);
    if (list === undefined) map.set(k, [object]);
    else list.push(object);
  }
  return map;
}

/** Namespace labels plus the name label; kept per name while the Namespace object stays the same. */
class NamespaceLabels {
  readonly #byName = new Map<string, { namespace: Namespace | undefined; labels: Labels }>();
  #objects = new Map<string, Namespace>();

  update(namespaces: readonly Namespace[]): void {
    const objects = new Map<string, Namespace>();
    for (const namespace of namespaces) if (!objects.has(namespace.metadata.name)) objects.set(namespace.metadata.name, namespace);
    this.#objects = objects;
    for (const [name, entry] of this.#byName) if (entry.namespace !== objects.get(name)) this.#byName.delete(name);
  }

  labels(name: string): Labels {
    const entry = this.#byName.get(name);
    if (entry !== undefined) return entry.labels;
    const namespace = this.#objects.get(name);
    const labels = Object.freeze({ ...namespace?.metadata.labels, [NAMESPACE_NAME_LABEL]: name });
    this.#byName.set(name, { namespace, labels });
    return labels;
  }
}

interface Tables {
  services: Map<string, Service>;
  slices: Map<string, EndpointSlice[]>;
  grants: Map<string, ReferenceGrant[]>;
  secrets: Map<string, Secret>;
  configMaps: Map<string, ConfigMap>;
  policies: PolicySelection;
}

function sameElements(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface IndexedResources {
  index: ResourceIndex;
  /** Kinds whose objects differ from the previous snapshot's (every kind, the first time). */
  changed: ReadonlySet<IndexedKind>;
  /** The BackendTLSPolicies by target, as `index.backendTlsPolicy` answers from (made again only when they change). */
  policies: PolicySelection;
}

/** Builds each snapshot's index, reusing the tables of kinds that did not change. */
export class ResourceIndexer {
  #sources: Partial<Record<IndexedKind, readonly unknown[]>> = {};
  readonly #namespaces = new NamespaceLabels();
  #tables: Tables = { services: new Map(), slices: new Map(), grants: new Map(), secrets: new Map(), configMaps: new Map(), policies: selectPolicies([]) };

  index(resources: ResourceSet): IndexedResources {
    const changed = new Set<IndexedKind>();
    const sources: Record<IndexedKind, readonly unknown[]> = {
      services: resources.services,
      endpointSlices: resources.endpointSlices,
      referenceGrants: resources.referenceGrants,
      namespaces: resources.namespaces,
      secrets: resources.secrets,
      configMaps: resources.configMaps,
      backendTLSPolicies: resources.backendTLSPolicies,
    };
    for (const kind of Object.keys(sources) as IndexedKind[]) if (!sameElements(this.#sources[kind], sources[kind])) changed.add(kind);
    this.#sources = sources;

    const tables: Tables = {
      services: changed.has('services') ? firstByKey(resources.services) : this.#tables.services,
      slices: changed.has('endpointSlices')
        ? groupBy(byName(resources.endpointSlices), (slice) => {
            const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
            return service === undefined ? undefined : key(namespaceOf(slice.metadata), service);
          })
        : this.#tables.slices,
      grants: changed.has('referenceGrants') ? groupBy(byName(resources.referenceGrants), (grant) => namespaceOf(grant.metadata)) : this.#tables.grants,
      secrets: changed.has('secrets') ? firstByKey(resources.secrets) : this.#tables.secrets,
      configMaps: changed.has('configMaps') ? firstByKey(resources.configMaps) : this.#tables.configMaps,
      policies: changed.has('backendTLSPolicies') ? selectPolicies(resources.backendTLSPolicies) : this.#tables.policies,
    };
    this.#tables = tables;
    if (changed.has('namespaces')) this.#namespaces.update(resources.namespaces);
    const namespaces = this.#namespaces;
    return {
      changed,
      policies: tables.policies,
      index: {
        service: (namespace, name) => tables.services.get(key(namespace, name)),
        endpointSlices: (namespace, serviceName) => tables.slices.get(key(namespace, serviceName)) ?? EMPTY,
        referenceGrants: (namespace) => tables.grants.get(namespace) ?? EMPTY,
        namespaceLabels: (namespace) => namespaces.labels(namespace),
        secret: (namespace, name) => tables.secrets.get(key(namespace, name)),
        configMap: (namespace, name) => tables.configMaps.get(key(namespace, name)),
        backendTlsPolicy: (namespace, service, portName) => tables.policies.policyFor({ namespace, service, portName }),
      },
    };
  }
}

/** The index of one ResourceSet on its own. */
export function indexResources(resources: ResourceSet): ResourceIndex {
  return new ResourceIndexer().index(resources).index;
}
