// Lookups over one ResourceSet, built once per translate() so that nothing
// scans a whole list per route: objects by namespace/name, EndpointSlices by
// the Service they serve, ReferenceGrants by namespace, namespace labels.
import type { EndpointSlice, Service } from '../model/core.ts';
import { SERVICE_NAME_LABEL } from '../model/core.ts';
import type { Gateway, GatewayClass, ReferenceGrant } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import { namespaceOf } from './defaults.ts';
import type { Labels } from './labelselector.ts';

/** Every namespace carries this label with its own name (Kubernetes ≥ 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ResourceIndex {
  gatewayClass(name: string): GatewayClass | undefined;
  gateway(namespace: string, name: string): Gateway | undefined;
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled for a Service, in a stable order. */
  endpointSlices(namespace: string, serviceName: string): readonly EndpointSlice[];
  referenceGrants(namespace: string): readonly ReferenceGrant[];
  namespaceLabels(namespace: string): Labels;
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function byName<T extends { metadata: { name: string } }>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

function firstByKey<T extends { metadata: { name: string; namespace?: string } }>(objects: readonly T[], namespaced: boolean): Map<string, T> {
  const map = new Map<string, T>();
  for (const object of objects) {
    const k = namespaced ? key(namespaceOf(object.metadata), object.metadata.name) : object.metadata.name;
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

export function indexResources(resources: ResourceSet): ResourceIndex {
  const classes = firstByKey(resources.gatewayClasses, false);
  const gateways = firstByKey(resources.gateways, true);
  const services = firstByKey(resources.services, true);
  const slices = groupBy(byName(resources.endpointSlices), (slice) => {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    return service === undefined ? undefined : key(namespaceOf(slice.metadata), service);
  });
  const grants = groupBy(byName(resources.referenceGrants), (grant) => namespaceOf(grant.metadata));
  const namespaceLabels = new Map<string, Labels>();
  for (const namespace of resources.namespaces) {
    const name = namespace.metadata.name;
    if (!namespaceLabels.has(name)) namespaceLabels.set(name, { ...namespace.metadata.labels, [NAMESPACE_NAME_LABEL]: name });
  }
  return {
    gatewayClass: (name) => classes.get(name),
    gateway: (namespace, name) => gateways.get(key(namespace, name)),
    service: (namespace, name) => services.get(key(namespace, name)),
    endpointSlices: (namespace, serviceName) => slices.get(key(namespace, serviceName)) ?? [],
    referenceGrants: (namespace) => grants.get(namespace) ?? [],
    namespaceLabels: (namespace) => namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace },
  };
}
