// The core Kubernetes kinds Portico reads (Service, EndpointSlice, Secret,
// ConfigMap, Namespace). The fields Portico reads are validated as the API
// server does (k8s.io/kubernetes pkg/apis/core/validation and discovery
// validation); other real Kubernetes fields pass through unchecked, and only
// names Kubernetes does not know are reported as unknown.
import { isIPv4, isIPv6 } from 'node:net';
import type { ConfigMap, EndpointSlice, Namespace, Secret, Service, ServicePort } from '../../model/core.ts';
import type { Assert, Infer, Rule, Same } from './dsl.ts';
import { bool, int, intOrString, list, obj, oneOf, record, req, str } from './dsl.ts';
import { duplicateIndex } from './common.ts';
import { labels, metadata } from './meta.ts';
import { CONFIG_KEY, DNS_LABEL, DNS_SUBDOMAIN, ianaServiceNameProblem, qualifiedNameProblem } from './patterns.ts';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const portNumber = int({ min: 1, max: 65535 });
const portName = str({ max: 63, pattern: DNS_LABEL });
const appProtocol = str({ test: qualifiedNameProblem });

// ---------------------------------------------------------------- Service

const servicePort = obj(
  {
    name: portName,
    protocol: oneOf(PROTOCOLS),
    port: req(portNumber),
    targetPort: intOrString(portNumber, str({ test: ianaServiceNameProblem })),
    appProtocol,
  },
  { passthrough: ['nodePort'] },
);
export type ServicePortMatchesModel = Assert<Same<Infer<typeof servicePort>, ServicePort>>;

const servicePortRules: Rule<ServicePort[]>[] = [
  {
    message: 'every port needs a name when a Service has more than one port',
    valid: (ps) => ps.length < 2 || ps.every((p) => (p.name ?? '') !== ''),
    at: (ps) => [ps.findIndex((p) => (p.name ?? '') === ''), 'name'],
  },
  {
    message: 'port names must be unique within the Service',
    valid: (ps) => duplicateIndex(ps, (p) => p.name || undefined) === undefined,
    at: (ps) => [duplicateIndex(ps, (p) => p.name || undefined) ?? 0, 'name'],
  },
  {
    message: 'two ports have the same port number and protocol',
    valid: (ps) => duplicateIndex(ps, (p) => `${p.port}/${p.protocol ?? 'TCP'}`) === undefined,
    at: (ps) => [duplicateIndex(ps, (p) => `${p.port}/${p.protocol ?? 'TCP'}`) ?? 0, 'port'],
  },
];

/** ExternalName: a fully qualified DNS name (at least two labels; one trailing dot allowed). */
function externalNameProblem(value: string): string | undefined {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length > 253 || !DNS_SUBDOMAIN.re.test(name)) return `must be a DNS name: ${DNS_SUBDOMAIN.describe}`;
  if (!name.includes('.')) return 'must be a fully qualified name with at least two labels, such as "db.example.com"';
  return undefined;
}

function clusterIPProblem(value: string): string | undefined {
  return value === '' || value === 'None' || isIPv4(value) || isIPv6(value) ? undefined : 'must be "None", empty, or an IP address';
}

// Real ServiceSpec fields Portico does not read.
const UNREAD_SERVICE_SPEC = [
  'clusterIPs', 'externalIPs', 'sessionAffinity', 'sessionAffinityConfig', 'loadBalancerIP', 'loadBalancerSourceRanges',
  'loadBalancerClass', 'externalTrafficPolicy', 'internalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses',
  'ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'trafficDistribution',
];

const serviceSpec = obj(
  {
    type: oneOf(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
    ports: list(servicePort, { rules: servicePortRules }),
    selector: labels,
    externalName: str({ test: externalNameProblem }),
    clusterIP: str({ test: clusterIPProblem }),
  },
  {
    passthrough: UNREAD_SERVICE_SPEC,
    rules: [
      { message: 'externalName is required when type is ExternalName', valid: (s) => s.type !== 'ExternalName' || (s.externalName ?? '') !== '', at: () => ['externalName'] },
      {
        message: 'ports must not be empty (only ExternalName and headless Services, clusterIP: None, may omit them)',
        valid: (s) => s.type === 'ExternalName' || s.clusterIP === 'None' || (s.ports ?? []).length > 0,
        at: () => ['ports'],
      },
    ],
  },
);

export const service = obj(
  { apiVersion: req(oneOf(['v1'])), kind: req(oneOf(['Service'])), metadata: req(metadata.dns1035), spec: req(serviceSpec) },
  { drop: ['status'] },
);
export type ServiceMatchesModel = Assert<Same<Infer<typeof service>, Service>>;

// ---------------------------------------------------------------- EndpointSlice

const endpoint = obj(
  {
    addresses: req(list(str(), { min: 1, max: 100 })),
    conditions: obj({ ready: bool(), serving: bool(), terminating: bool() }),
    hostname: str({ max: 63, pattern: DNS_LABEL }),
    nodeName: str(),
    zone: str(),
    targetRef: obj({ kind: str(), name: str(), namespace: str() }, { passthrough: ['apiVersion', 'uid', 'resourceVersion', 'fieldPath'] }),
  },
  { passthrough: ['deprecatedTopology', 'hints'] },
);

const endpointPort = obj({
  name: portName,
  protocol: oneOf(PROTOCOLS),
  port: portNumber,
  appProtocol,
});

const ADDRESS_CHECKS: Record<EndpointSlice['addressType'], { valid: (a: string) => boolean; describe: string }> = {
  IPv4: { valid: (a) => isIPv4(a), describe: 'an IPv4 address' },
  IPv6: { valid: (a) => isIPv6(a), describe: 'an IPv6 address' },
  FQDN: { valid: (a) => a.length <= 253 && DNS_SUBDOMAIN.re.test(a), describe: 'a lowercase DNS name' },
};

/** The first address that does not fit the slice's addressType, as a path. */
function badAddress(slice: Pick<EndpointSlice, 'addressType' | 'endpoints'>): (string | number)[] | undefined {
  const { valid } = ADDRESS_CHECKS[slice.addressType];
  for (let i = 0; i < slice.endpoints.length; i++) {
    const j = slice.endpoints[i]?.addresses.findIndex((a) => !valid(a)) ?? -1;
    if (j !== -1) return ['endpoints', i, 'addresses', j];
  }
  return undefined;
}

export const endpointSlice = obj(
  {
    apiVersion: req(oneOf(['discovery.k8s.io/v1'])),
    kind: req(oneOf(['EndpointSlice'])),
    metadata: req(metadata.subdomain),
    addressType: req(oneOf(['IPv4', 'IPv6', 'FQDN'])),
    endpoints: req(list(endpoint, { max: 1000 })),
    ports: list(endpointPort, {
      max: 20000,
      rules: [
        {
          message: 'port names must be unique within the EndpointSlice',
          valid: (ps) => duplicateIndex(ps, (p) => p.name ?? '') === undefined,
          at: (ps) => [duplicateIndex(ps, (p) => p.name ?? '') ?? 0, 'name'],
        },
      ],
    }),
  },
  {
    rules: [
      {
        message: (s) => `every address must be ${ADDRESS_CHECKS[s.addressType].describe}, as addressType is ${s.addressType}`,
        valid: (s) => badAddress(s) === undefined,
        at: badAddress,
      },
    ],
  },
);
export type EndpointSliceMatchesModel = Assert<Same<Infer<typeof endpointSlice>, EndpointSlice>>;

// ---------------------------------------------------------------- Secret, ConfigMap

function configKeyProblem(key: string): string | undefined {
  if (key.length > 253) return 'must be at most 253 characters';
  if (key === '.' || key === '..') return 'must not be "." or ".."';
  return CONFIG_KEY.re.test(key) ? undefined : `must be ${CONFIG_KEY.describe}`;
}

/** Standard base64 with padding; line breaks are ignored, as Go's decoder does. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Problem(value: string): string | undefined {
  return BASE64.test(value.replace(/[\r\n]/g, '')) ? undefined : 'must be base64-encoded (standard alphabet, with padding); use stringData for plain text';
}

const MAX_SECRET_BYTES = 1024 * 1024;

function decodedSize(secret: { data?: Record<string, string>; stringData?: Record<string, string> }): number {
  let size = 0;
  for (const value of Object.values(secret.data ?? {})) size += Buffer.byteLength(value.replace(/[\r\n]/g, ''), 'base64');
  for (const value of Object.values(secret.stringData ?? {})) size += Buffer.byteLength(value);
  return size;
}

const TLS_KEYS = ['tls.crt', 'tls.key'];

export const secret = obj(
  {
    apiVersion: req(oneOf(['v1'])),
    kind: req(oneOf(['Secret'])),
    metadata: req(metadata.subdomain),
    type: str(),
    data: record(str({ test: base64Problem }), { key: configKeyProblem }),
    stringData: record(str(), { key: configKeyProblem }),
  },
  {
    passthrough: ['immutable'],
    rules: [
      {
        message: 'a Secret of type kubernetes.io/tls must have the keys tls.crt and tls.key (in data or stringData)',
        valid: (s) => s.type !== 'kubernetes.io/tls' || TLS_KEYS.every((k) => s.data?.[k] !== undefined || s.stringData?.[k] !== undefined),
        at: () => ['data'],
      },
      { message: `a Secret must be at most ${MAX_SECRET_BYTES} bytes of data`, valid: (s) => decodedSize(s) <= MAX_SECRET_BYTES, at: () => ['data'] },
    ],
  },
);
export type SecretMatchesModel = Assert<Same<Infer<typeof secret>, Secret>>;

export const configMap = obj(
  {
    apiVersion: req(oneOf(['v1'])),
    kind: req(oneOf(['ConfigMap'])),
    metadata: req(metadata.subdomain),
    data: record(str(), { key: configKeyProblem }),
  },
  { passthrough: ['binaryData', 'immutable'] },
);
export type ConfigMapMatchesModel = Assert<Same<Infer<typeof configMap>, ConfigMap>>;

export const namespace = obj(
  { apiVersion: req(oneOf(['v1'])), kind: req(oneOf(['Namespace'])), metadata: req(metadata.label) },
  { passthrough: ['spec'], drop: ['status'] },
);
export type NamespaceMatchesModel = Assert<Same<Infer<typeof namespace>, Namespace>>;
