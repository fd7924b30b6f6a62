// Test support: small random Gateway API worlds and random edits to them,
// made the way providers make snapshots (an edited object is a new object
// with its generation moved on; every other object stays the same instance).
// The objects are drawn from small pools of names, hostnames, paths and
// times, so that edits often collide: shared hostnames, conflicting
// listeners, cross-namespace references with and without grants, equal
// creation times, invalid regexes, routes of both HTTP kinds on one listener,
// HTTPS, TLS, TCP and UDP listeners with their route kinds, certificates that
// come, go, expire or are not granted, client CA bundles, and ListenerSets
// (allowed or not, conflicting with their Gateway's listeners and each
// other's, named by routes), and BackendTLSPolicies that make wss backends
// usable or not.
import type { ConfigMap, EndpointSlice, Namespace, Secret, Service } from '../model/core.ts';
import type { BackendTLSPolicy, Gateway, GatewayClass, GRPCRoute, HTTPRoute, HTTPRouteRule, Listener, ListenerSet, ParentReference, ReferenceGrant, TCPRoute, TLSRoute, UDPRoute } from '../model/gatewayapi.ts';
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import { emptyResourceSet, KIND_TO_FIELD } from '../model/resources.ts';
import { seededRandom } from '../lib/seeded-random.ts';

/** A seeded generator (mulberry32): the same seed gives the same world and edits. */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  next(): number {
    return this.#next();
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  some<T>(items: readonly T[], max: number): T[] {
    return Array.from({ length: this.int(max + 1) }, () => this.pick(items));
  }
}

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const HOSTNAMES = ['a.example.com', '*.example.com', 'b.example.com', 'x.other.org', '*.other.org'];
const TIMES = ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', undefined];
const SERVICES = ['svc-1', 'svc-2', 'ext'];
const GATEWAYS: { namespace: string; name: string }[] = [
  { namespace: 'ns-a', name: 'gw-1' },
  { namespace: 'ns-b', name: 'gw-2' },
];

function meta(namespace: string | undefined, name: string, r: Random, labels?: Record<string, string>) {
  const time = r.pick(TIMES);
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(labels === undefined ? {} : { labels }),
    generation: 1,
    ...(time === undefined ? {} : { creationTimestamp: time }),
  };
}

function namespace(name: string, r: Random): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: meta(undefined, name, r, r.chance(0.5) ? { env: r.pick(['prod', 'dev']) } : undefined) };
}

function gatewayClass(r: Random): GatewayClass {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: meta(undefined, 'portico', r),
    spec: { controllerName: 'portico.dev/gateway-controller', ...(r.chance(0.1) ? { parametersRef: { group: 'example.com', kind: 'Params', name: 'p' } } : {}) },
  };
}

function listener(name: string, r: Random): Listener {
  const hostname = r.pick([undefined, undefined, ...HOSTNAMES]);
  const allowed = r.pick([
    undefined,
    { namespaces: { from: 'All' as const } },
    { namespaces: { from: 'Selector' as const, selector: { matchLabels: { env: 'prod' } } } },
    { namespaces: { from: 'All' as const }, kinds: [{ kind: 'GRPCRoute' }] },
  ]);
  const protocol = r.chance(0.5) ? 'HTTP' : r.pick(['HTTPS', 'HTTPS', 'TLS', 'TLS', 'TCP', 'UDP']);
  const refs = [{ name: 'cert' }, { name: 'cert' }, { name: 'cert', namespace: 'ns-b' }, { name: 'gone' }];
  const certificateRefs = () => [r.pick(refs), ...r.some(refs, 1)];
  const tls =
    protocol === 'HTTPS'
      ? { certificateRefs: certificateRefs(), ...(r.chance(0.2) ? { options: { 'portico.dev/min-tls-version': r.pick(['1.3', '1.1']) } } : {}) }
      : protocol === 'TLS'
        ? r.chance(0.5)
          ? { mode: 'Passthrough' as const }
          : { mode: 'Terminate' as const, certificateRefs: certificateRefs() }
        : undefined;
  return {
    name,
    // Mostly a port of the protocol's own, sometimes one shared with other protocols (ProtocolConflict; TCP and UDP coexist).
    port: r.chance(0.2) ? r.pick([80, 443, 9000]) : protocol === 'HTTP' ? r.pick([80, 80, 8080]) : protocol === 'TCP' || protocol === 'UDP' ? 9000 : 443,
    protocol,
    ...(hostname === undefined || (r.chance(0.9) && (protocol === 'TCP' || protocol === 'UDP')) ? {} : { hostname }),
    ...(tls === undefined ? {} : { tls }),
    ...(allowed === undefined ? {} : { allowedRoutes: allowed }),
  };
}

function allowedListeners(r: Random): Pick<Gateway['spec'], 'allowedListeners'> {
  const choice = r.pick([undefined, 'None', 'Same', 'All', 'All', 'Selector'] as const);
  if (choice === undefined) return {};
  return { allowedListeners: { namespaces: { from: choice, ...(choice === 'Selector' ? { selector: { matchLabels: { env: 'prod' } } } : {}) } } };
}

const LISTENER_SETS = ['ls-0', 'ls-1'];

function listenerSet(namespaceName: string, name: string, r: Random): ListenerSet {
  const parent = r.chance(0.9) ? r.pick(GATEWAYS) : { namespace: 'ns-a', name: 'missing' };
  const names = ['http', 'web', 'extra'].slice(0, 1 + r.int(3));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ListenerSet',
    metadata: meta(namespaceName, name, r),
    spec: { parentRef: { name: parent.name, ...(r.chance(0.7) ? { namespace: parent.namespace } : {}) }, listeners: names.map((listenerName) => listener(listenerName, r)) },
  };
}

function gateway(at: { namespace: string; name: string }, r: Random): Gateway {
  const names = ['http', 'web', 'api'].slice(0, 1 + r.int(3));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: meta(at.namespace, at.name, r),
    spec: {
      gatewayClassName: 'portico',
      listeners: names.map((name) => listener(name, r)),
      ...allowedListeners(r),
      ...(r.chance(0.3)
        ? { tls: { frontend: { default: { validation: { caCertificateRefs: r.some([{ group: '', kind: 'ConfigMap', name: 'client-ca' }, { group: '', kind: 'ConfigMap', name: 'client-ca', namespace: 'ns-b' }], 2) } } } } }
        : {}),
    },
  };
}

function service(namespaceName: string, name: string, r: Random): Service {
  if (name === 'ext') {
    return { apiVersion: 'v1', kind: 'Service', metadata: meta(namespaceName, name, r), spec: { type: 'ExternalName', externalName: r.pick(['api.example.net', 'other.example.net']), ports: [{ port: 80 }] } };
  }
  const appProtocol = r.pick([undefined, undefined, 'kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(namespaceName, name, r),
    spec: {
      ports: [
        { name: 'http', port: r.chance(0.9) ? 80 : 81, ...(appProtocol === undefined ? {} : { appProtocol }) },
        ...(r.chance(0.5) ? [{ name: 'dns', port: 53, protocol: 'UDP' as const }] : []),
      ],
    },
  };
}

function endpointSlice(namespaceName: string, serviceName: string, suffix: string, r: Random): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta(namespaceName, `${serviceName}-${suffix}`, r, { 'kubernetes.io/service-name': serviceName }),
    addressType: 'IPv4',
    ports: [{ name: 'http', port: r.pick([8080, 8081]) }, { name: 'dns', port: 5353, protocol: 'UDP' }],
    endpoints: Array.from({ length: 1 + r.int(3) }, () => ({ addresses: [`10.0.0.${1 + r.int(6)}`], ...(r.chance(0.2) ? { conditions: { ready: false } } : {}) })),
  };
}

function referenceGrant(name: string, r: Random): ReferenceGrant {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: meta(r.pick(NAMESPACES), name, r),
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: r.pick(['HTTPRoute', 'GRPCRoute', 'Gateway', 'ListenerSet', 'TCPRoute']), namespace: r.pick(NAMESPACES) }],
      to: [{ group: '', kind: r.pick(['Service', 'Service', 'Secret', 'ConfigMap']), ...(r.chance(0.5) ? { name: r.pick([...SERVICES, 'cert', 'client-ca']) } : {}) }],
    },
  };
}

function parentRefs(r: Random): ParentReference[] {
  return Array.from({ length: 1 + r.int(2) }, () => {
    if (r.chance(0.3)) {
      const section = r.pick([undefined, undefined, 'http', 'web', 'extra', 'nope']);
      return { kind: 'ListenerSet', group: 'gateway.networking.k8s.io', name: r.pick(LISTENER_SETS), namespace: r.pick(NAMESPACES), ...(section === undefined ? {} : { sectionName: section }) };
    }
    const target = r.chance(0.9) ? r.pick(GATEWAYS) : { namespace: 'ns-a', name: 'missing' };
    const section = r.pick([undefined, undefined, 'http', 'web', 'nope']);
    return { name: target.name, namespace: target.namespace, ...(section === undefined ? {} : { sectionName: section }), ...(r.chance(0.1) ? { port: 8080 } : {}) };
  });
}

function backendRefs(r: Random) {
  return r.some(
    [
      { name: 'svc-1', port: 80 },
      { name: 'svc-2', port: 80, weight: 3 },
      { name: 'svc-1', namespace: 'ns-b', port: 80 },
      { name: 'ext', port: 80 },
      { name: 'gone', port: 80 },
      { name: 'svc-1', port: 80, weight: 0 },
    ],
    2,
  );
}

function httpRule(r: Random): HTTPRouteRule {
  const path = r.pick([
    { type: 'PathPrefix' as const, value: `/p${r.int(4)}` },
    { type: 'Exact' as const, value: `/e${r.int(3)}` },
    { type: 'RegularExpression' as const, value: '/r[0-9]+' },
    { type: 'RegularExpression' as const, value: '/bad(' },
  ]);
  const matches = [{ path, ...(r.chance(0.3) ? { headers: [{ name: 'X-Env', value: r.pick(['a', 'b']) }] } : {}), ...(r.chance(0.2) ? { method: 'GET' } : {}) }];
  const filter = r.pick([
    undefined,
    { type: 'ResponseHeaderModifier' as const, responseHeaderModifier: { set: [{ name: 'x-v', value: String(r.int(3)) }] } },
    { type: 'RequestMirror' as const, requestMirror: { backendRef: { name: r.pick(SERVICES), port: 80 } } },
    { type: 'RequestRedirect' as const, requestRedirect: { statusCode: 302 as const, ...(r.chance(0.5) ? { port: 8443 } : {}) } },
  ]);
  return {
    ...(r.chance(0.2) ? { matches: [] } : { matches }),
    ...(filter === undefined ? {} : { filters: [filter] }),
    ...(filter?.type === 'RequestRedirect' ? {} : { backendRefs: backendRefs(r) }),
  };
}

function httpRoute(namespaceName: string, name: string, r: Random): HTTPRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: meta(namespaceName, name, r),
    spec: { parentRefs: parentRefs(r), hostnames: r.some(HOSTNAMES, 2), rules: Array.from({ length: 1 + r.int(3) }, () => httpRule(r)) },
  };
}

function grpcRoute(namespaceName: string, name: string, r: Random): GRPCRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: meta(namespaceName, name, r),
    spec: {
      parentRefs: parentRefs(r),
      hostnames: r.some(HOSTNAMES, 2),
      rules: [{ matches: [{ method: { service: `pkg.S${r.int(2)}`, ...(r.chance(0.5) ? { method: 'M' } : {}) } }], backendRefs: [{ name: r.pick(['svc-1', 'svc-2']), port: 80 }] }],
    },
  };
}

function tcpRoute(namespaceName: string, name: string, r: Random): TCPRoute {
  return { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata: meta(namespaceName, name, r), spec: { parentRefs: parentRefs(r), rules: [{ backendRefs: backendRefs(r) }] } };
}

function udpRoute(namespaceName: string, name: string, r: Random): UDPRoute {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'UDPRoute', metadata: meta(namespaceName, name, r), spec: { parentRefs: parentRefs(r), rules: [{ backendRefs: [{ name: r.pick(['svc-1', 'dns']), port: r.pick([53, 80]) }] }] } };
}

function tlsRoute(namespaceName: string, name: string, r: Random): TLSRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'TLSRoute',
    metadata: meta(namespaceName, name, r),
    spec: { parentRefs: parentRefs(r), hostnames: r.some(HOSTNAMES, 2), rules: Array.from({ length: r.chance(0.1) ? 2 : 1 }, () => ({ backendRefs: backendRefs(r) })) },
  };
}

/**
 * Certificate material for the world's Secrets and ConfigMaps (translate
 * cannot make any: the test hands in test-only PEMs). Each version of a
 * Secret takes one of `tlsSecrets` (valid, expired, malformed...).
 */
export interface WorldPki {
  tlsSecrets: readonly Pick<Secret, 'type' | 'data' | 'stringData'>[];
  caPem: string;
}

function secret(namespaceName: string, name: string, pki: WorldPki, r: Random): Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta(namespaceName, name, r), ...r.pick(pki.tlsSecrets) };
}

function caConfigMap(namespaceName: string, pki: WorldPki, r: Random): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(namespaceName, 'client-ca', r), data: r.chance(0.8) ? { 'ca.crt': pki.caPem } : { other: 'x' } };
}

/**
 * A BackendTLSPolicy for one or two of the namespace's Services, the whole
 * Service or a port by name: policies of one namespace often name the same
 * target and conflict, and a wss port is usable only while one applies.
 */
function backendTlsPolicy(namespaceName: string, name: string, r: Random): BackendTLSPolicy {
  const targetRefs = Array.from({ length: r.chance(0.2) ? 2 : 1 }, () => ({ group: '', kind: 'Service', name: r.pick(SERVICES), ...(r.chance(0.5) ? { sectionName: r.pick(['http', 'nope']) } : {}) }));
  const validation = r.chance(0.7)
    ? { wellKnownCACertificates: 'System' as const, hostname: r.pick(['backend.example.com', 'other.example.com']) }
    : { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }], hostname: 'backend.example.com' };
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: meta(namespaceName, name, r), spec: { targetRefs, validation } };
}

type Maker = (r: Random) => AnyObject;

/** Every object the world may hold, by "Kind/namespace/name", with how to make a version of it. */
function makers(pki: WorldPki | undefined): Map<string, Maker> {
  const all = new Map<string, Maker>();
  const add = (kind: string, namespaceName: string, name: string, make: Maker) => all.set(`${kind}/${namespaceName}/${name}`, make);
  add('GatewayClass', '', 'portico', gatewayClass);
  for (const at of GATEWAYS) add('Gateway', at.namespace, at.name, (r) => gateway(at, r));
  for (const ns of NAMESPACES) {
    add('Namespace', '', ns, (r) => namespace(ns, r));
    for (const svc of SERVICES) add('Service', ns, svc, (r) => service(ns, svc, r));
    for (const svc of ['svc-1', 'svc-2']) for (const suffix of ['x', 'y']) add('EndpointSlice', ns, `${svc}-${suffix}`, (r) => endpointSlice(ns, svc, suffix, r));
    for (let i = 0; i < 6; i++) add('HTTPRoute', ns, `web-${i}`, (r) => httpRoute(ns, `web-${i}`, r));
    for (let i = 0; i < 2; i++) add('GRPCRoute', ns, `rpc-${i}`, (r) => grpcRoute(ns, `rpc-${i}`, r));
    for (const name of LISTENER_SETS) add('ListenerSet', ns, name, (r) => listenerSet(ns, name, r));
    add('TCPRoute', ns, 'tcp', (r) => tcpRoute(ns, 'tcp', r));
    add('UDPRoute', ns, 'udp', (r) => udpRoute(ns, 'udp', r));
    for (const name of ['tls-1', 'tls-2']) add('TLSRoute', ns, name, (r) => tlsRoute(ns, name, r));
    for (const name of ['btp-1', 'btp-2']) add('BackendTLSPolicy', ns, name, (r) => backendTlsPolicy(ns, name, r));
    if (pki !== undefined) {
      add('Secret', ns, 'cert', (r) => secret(ns, 'cert', pki, r));
      add('ConfigMap', ns, 'client-ca', (r) => caConfigMap(ns, pki, r));
    }
  }
  for (let i = 0; i < 3; i++) add('ReferenceGrant', '', `grant-${i}`, (r) => referenceGrant(`grant-${i}`, r));
  return all;
}

/** A world that changes one random object at a time; `resources()` is its current snapshot. */
export class RandomWorld {
  readonly #random: Random;
  readonly #makers: Map<string, Maker>;
  /** Present objects, by key, in the order they were added. */
  readonly #objects = new Map<string, AnyObject>();

  /** Share of edits that pick a Gateway or ListenerSet (the rest pick any object). */
  readonly #listenerFocus: number;

  constructor(seed: number, pki?: WorldPki, listenerFocus = 0.15) {
    this.#listenerFocus = listenerFocus;
    this.#random = new Random(seed);
    this.#makers = makers(pki);
    for (const [key, make] of this.#makers) if (key.startsWith('GatewayClass/') || key.startsWith('Gateway/') || key.startsWith('Secret/') || this.#random.chance(0.6)) this.#objects.set(key, make(this.#random));
  }

  /** Adds, removes or replaces one object (or nothing); returns what it did. */
  edit(): string {
    const r = this.#random;
    // Gateways and ListenerSets are a few keys among many: edit them more often, so listeners of every protocol come and go.
    const keys = [...this.#makers.keys()];
    const key = r.chance(this.#listenerFocus) ? r.pick(keys.filter((k) => k.startsWith('Gateway/') || k.startsWith('ListenerSet/'))) : r.pick(keys);
    const current = this.#objects.get(key);
    if (r.chance(0.05)) return 'nothing';
    if (current !== undefined && r.chance(0.2) && !key.startsWith('GatewayClass/')) {
      this.#objects.delete(key);
      return `removed ${key}`;
    }
    const next = (this.#makers.get(key) as Maker)(r);
    if (current !== undefined) {
      // A new version: same creation time, generation moved on (as the providers stamp them).
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      if (current.metadata.creationTimestamp === undefined) delete next.metadata.creationTimestamp;
      else next.metadata.creationTimestamp = current.metadata.creationTimestamp;
      this.#objects.set(key, next);
      return `replaced ${key}`;
    }
    this.#objects.set(key, next);
    return `added ${key}`;
  }

  resources(): ResourceSet {
    const resources = emptyResourceSet();
    for (const object of this.#objects.values()) (resources[KIND_TO_FIELD[object.kind]] as AnyObject[]).push(object);
    return resources;
  }
}
