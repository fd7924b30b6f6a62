// metadata rules and the core kinds Portico reads (Service, EndpointSlice,
// Secret, ConfigMap, Namespace), as the API server validates them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './index.ts';
import { DATE_TIME, DNS1035_LABEL, DNS_LABEL, DNS_SUBDOMAIN, LABEL_VALUE } from './schema/patterns.ts';
import { errorsOf, schemaTable, spec, warningsOf, yaml } from './test-support.ts';

// ---------------------------------------------------------------- metadata

const metadataCases: { name: string; kind: string; apiVersion: string; metadata: string; error?: string }[] = [
  { name: 'names are required', kind: 'ConfigMap', apiVersion: 'v1', metadata: '{labels: {a: b}}', error: 'x.yaml:3: ConfigMap: metadata.name: required field is missing' },
  { name: 'ConfigMap names are DNS subdomains', kind: 'ConfigMap', apiVersion: 'v1', metadata: '{name: a.b-c}' },
  {
    name: 'custom resource names are lowercase DNS subdomains',
    kind: 'HTTPRoute',
    apiVersion: 'gateway.networking.k8s.io/v1',
    metadata: '{name: Web}',
    error: `x.yaml:3: HTTPRoute default/Web: metadata.name: invalid value "Web": must be ${DNS_SUBDOMAIN.describe}`,
  },
  {
    name: 'names are at most 253 characters',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: `{name: ${'a'.repeat(254)}}`,
    error: `x.yaml:3: ConfigMap default/${'a'.repeat(254)}: metadata.name: must be at most 253 characters long (is 254)`,
  },
  {
    name: 'Service names are RFC 1035 labels (start with a letter)',
    kind: 'Service',
    apiVersion: 'v1',
    metadata: '{name: 1web}',
    error: `x.yaml:3: Service default/1web: metadata.name: invalid value "1web": must be ${DNS1035_LABEL.describe}`,
  },
  {
    name: 'Namespace names are RFC 1123 labels (no dots)',
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: '{name: team.a}',
    error: `x.yaml:3: Namespace team.a: metadata.name: invalid value "team.a": must be ${DNS_LABEL.describe}`,
  },
  {
    name: 'namespaces are RFC 1123 labels',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: '{name: a, namespace: Prod}',
    error: `x.yaml:3: ConfigMap Prod/a: metadata.namespace: invalid value "Prod": must be ${DNS_LABEL.describe}`,
  },
  {
    name: 'label keys are qualified names',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: '{name: a, labels: {"example.com/": v}}',
    error: `x.yaml:3: ConfigMap default/a: metadata.labels[example.com/]: invalid key "example.com/": must be an optional DNS-name prefix and "/" followed by a name of up to 63 letters, digits, '-', '_' or '.' that starts and ends with a letter or digit`,
  },
  {
    name: 'label values are at most 63 characters',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: `{name: a, labels: {k: ${'v'.repeat(64)}}}`,
    error: 'x.yaml:3: ConfigMap default/a: metadata.labels.k: must be at most 63 characters long (is 64)',
  },
  {
    name: 'label values are label-safe',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: '{name: a, labels: {k: "-v"}}',
    error: `x.yaml:3: ConfigMap default/a: metadata.labels.k: invalid value "-v": must be ${LABEL_VALUE.describe}`,
  },
  {
    name: 'label values are strings',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: '{name: a, labels: {k: true}}',
    error: 'x.yaml:3: ConfigMap default/a: metadata.labels.k: must be a string, got true',
  },
  { name: 'annotation values are free text', kind: 'ConfigMap', apiVersion: 'v1', metadata: '{name: a, annotations: {example.com/note: "anything: at all"}}' },
  {
    name: 'annotations are at most 256 KiB in total',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: `{name: a, annotations: {big: ${'x'.repeat(262142)}}}`,
    error: 'x.yaml:3: ConfigMap default/a: metadata.annotations: annotations must be at most 262144 bytes in total (are 262145)',
  },
  {
    name: 'creationTimestamp is RFC 3339',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: '{name: a, creationTimestamp: yesterday}',
    error: `x.yaml:3: ConfigMap default/a: metadata.creationTimestamp: invalid value "yesterday": must be ${DATE_TIME.describe}`,
  },
  { name: 'Kubernetes metadata Portico does not read passes quietly', kind: 'ConfigMap', apiVersion: 'v1', metadata: '{name: a, finalizers: [x], uid: u, resourceVersion: "1", ownerReferences: []}' },
];

for (const c of metadataCases) {
  test(`metadata: ${c.name}`, () => {
    const result = parseManifests(`apiVersion: ${c.apiVersion}\nkind: ${c.kind}\nmetadata: ${c.metadata}\n${c.kind === 'HTTPRoute' ? 'spec: {}\n' : c.kind === 'Service' ? 'spec: {ports: [{port: 80}]}\n' : ''}`, 'x.yaml');
    assert.deepEqual(errorsOf(result.diagnostics), c.error === undefined ? [] : [c.error]);
    assert.deepEqual(warningsOf(result.diagnostics), []);
    assert.equal(result.objects.length, c.error === undefined ? 1 : 0);
  });
}

// ---------------------------------------------------------------- Service

schemaTable('v1', 'Service', [
  {
    name: 'a Service loads; Kubernetes fields Portico does not read pass quietly',
    body: spec(yaml`
      type: ClusterIP
      selector: {app: web}
      sessionAffinity: ClientIP
      ipFamilyPolicy: SingleStack
      ports:
      - {name: http, port: 80, targetPort: http-alt, appProtocol: kubernetes.io/h2c}
      - {name: https, port: 443, targetPort: 8443, protocol: TCP, nodePort: 30443}
    `),
  },
  { name: 'ports are required for a ClusterIP Service', body: spec('selector: {app: web}'), error: [5, 'spec.ports', 'ports must not be empty (only ExternalName and headless Services, clusterIP: None, may omit them)'] },
  { name: 'a headless Service may omit ports', body: spec('clusterIP: None') },
  { name: 'an ExternalName Service needs externalName', body: spec('type: ExternalName'), error: [5, 'spec.externalName', 'externalName is required when type is ExternalName'] },
  { name: 'an ExternalName with a trailing dot', body: spec('type: ExternalName\nexternalName: db.example.com.') },
  {
    name: 'an ExternalName is fully qualified',
    body: spec('type: ExternalName\nexternalName: localhost'),
    error: [7, 'spec.externalName', 'invalid value "localhost": must be a fully qualified name with at least two labels, such as "db.example.com"'],
  },
  { name: 'the type is an enum', body: spec('type: Internal\nports: [{port: 80}]'), error: [6, 'spec.type', 'invalid value "Internal": must be one of "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"'] },
  { name: 'a port is 1-65535', body: spec('ports: [{port: 0}]'), error: [6, 'spec.ports[0].port', 'invalid value 0: must be between 1 and 65535'] },
  { name: 'a port is required', body: spec('ports: [{name: a}]'), error: [6, 'spec.ports[0].port', 'required field is missing'] },
  { name: 'the protocol is TCP, UDP or SCTP', body: spec('ports: [{port: 80, protocol: HTTP}]'), error: [6, 'spec.ports[0].protocol', 'invalid value "HTTP": must be one of "TCP", "UDP", "SCTP"'] },
  { name: 'ports are named when there are several', body: spec('ports:\n- {port: 80}\n- {name: b, port: 81}'), error: [7, 'spec.ports[0].name', 'every port needs a name when a Service has more than one port'] },
  { name: 'port names are unique', body: spec('ports:\n- {name: a, port: 80}\n- {name: a, port: 81}'), error: [8, 'spec.ports[1].name', 'port names must be unique within the Service'] },
  { name: 'port and protocol are unique', body: spec('ports:\n- {name: a, port: 80}\n- {name: b, port: 80, protocol: TCP}'), error: [8, 'spec.ports[1].port', 'two ports have the same port number and protocol'] },
  { name: 'the same port over TCP and UDP', body: spec('ports:\n- {name: a, port: 53}\n- {name: b, port: 53, protocol: UDP}') },
  { name: 'a named targetPort is an IANA service name', body: spec('ports: [{port: 80, targetPort: HTTP_PORT}]'), error: [6, 'spec.ports[0].targetPort', 'invalid value "HTTP_PORT": a port name must be lowercase letters, digits and \'-\', starting and ending with a letter or digit'] },
  { name: 'a numeric targetPort is a port number', body: spec('ports: [{port: 80, targetPort: 70000}]'), error: [6, 'spec.ports[0].targetPort', 'invalid value 70000: must be between 1 and 65535'] },
  {
    name: 'appProtocol is a qualified name',
    body: spec('ports: [{port: 80, appProtocol: "h2 c"}]'),
    error: [6, 'spec.ports[0].appProtocol', 'invalid value "h2 c": must be an optional DNS-name prefix and "/" followed by a name of up to 63 letters, digits, \'-\', \'_\' or \'.\' that starts and ends with a letter or digit'],
  },
  { name: 'clusterIP is an IP or None', body: spec('clusterIP: auto\nports: [{port: 80}]'), error: [6, 'spec.clusterIP', 'invalid value "auto": must be "None", empty, or an IP address'] },
  { name: 'an unknown field is reported', body: spec('ports: [{port: 80}]\nselectors: {app: web}'), warning: [7, 'spec.selectors', 'unknown field "selectors" ignored (did you mean "selector"?)'] },
]);

// ---------------------------------------------------------------- EndpointSlice

schemaTable('discovery.k8s.io/v1', 'EndpointSlice', [
  {
    name: 'a slice loads (loopback addresses are fine for local backends)',
    body: yaml`
      addressType: IPv4
      endpoints:
      - addresses: [127.0.0.1]
        conditions: {ready: true, serving: true, terminating: false}
        hints: {forZones: [{name: a}]}
      ports: [{name: http, port: 8080, protocol: TCP, appProtocol: http}]
    `,
  },
  { name: 'IPv6 slices', body: 'addressType: IPv6\nendpoints: [{addresses: ["::1"]}]' },
  { name: 'FQDN slices', body: 'addressType: FQDN\nendpoints: [{addresses: [backend.example.com]}]' },
  { name: 'addressType is required', body: 'endpoints: []', error: [1, 'addressType', 'required field is missing'] },
  { name: 'endpoints are required', body: 'addressType: IPv4', error: [1, 'endpoints', 'required field is missing'] },
  { name: 'an empty slice', body: 'addressType: IPv4\nendpoints: []' },
  {
    name: 'addresses match the address type',
    body: 'addressType: IPv4\nendpoints:\n- addresses: [10.0.0.1]\n- addresses: [10.0.0.2, "::1"]',
    error: [8, 'endpoints[1].addresses[1]', 'every address must be an IPv4 address, as addressType is IPv4'],
  },
  { name: 'FQDN addresses are lowercase DNS names', body: 'addressType: FQDN\nendpoints: [{addresses: [Backend.example.com]}]', error: [6, 'endpoints[0].addresses[0]', 'every address must be a lowercase DNS name, as addressType is FQDN'] },
  { name: 'an endpoint has at least one address', body: 'addressType: IPv4\nendpoints: [{addresses: []}]', error: [6, 'endpoints[0].addresses', 'must have at least one item'] },
  { name: 'at most 100 addresses per endpoint', body: `addressType: IPv4\nendpoints: [{addresses: [${Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 250}`).join(', ')}]}]`, error: [6, 'endpoints[0].addresses', 'must have at most 100 items (has 101)'] },
  { name: 'conditions are booleans', body: 'addressType: IPv4\nendpoints: [{addresses: [10.0.0.1], conditions: {ready: "yes"}}]', error: [6, 'endpoints[0].conditions.ready', 'must be true or false, got the string "yes"'] },
  { name: 'port names are unique', body: 'addressType: IPv4\nendpoints: []\nports: [{name: a, port: 1}, {name: a, port: 2}]', error: [7, 'ports[1].name', 'port names must be unique within the EndpointSlice'] },
  { name: 'ports are port numbers', body: 'addressType: IPv4\nendpoints: []\nports: [{port: 0}]', error: [7, 'ports[0].port', 'invalid value 0: must be between 1 and 65535'] },
  { name: 'the address type is an enum', body: 'addressType: IP\nendpoints: []', error: [5, 'addressType', 'invalid value "IP": must be one of "IPv4", "IPv6", "FQDN"'] },
]);

// ---------------------------------------------------------------- Secret, ConfigMap, Namespace

schemaTable('v1', 'Secret', [
  { name: 'a Secret loads', body: 'type: Opaque\nimmutable: true\ndata: {user: YWRtaW4=, empty: ""}' },
  { name: 'multi-line base64 (as written by block scalars)', body: 'data:\n  cert: |\n    YWRt\n    aW4=' },
  { name: 'data values are base64', body: 'data: {user: admin!}', error: [5, 'data.user', 'invalid value "admin!": must be base64-encoded (standard alphabet, with padding); use stringData for plain text'] },
  { name: 'data keys are config keys', body: 'data: {"a b": YQ==}', error: [5, 'data[a b]', 'invalid key "a b": must be a key made of letters, digits, \'-\', \'_\' and \'.\''] },
  { name: 'a TLS Secret has tls.crt and tls.key', body: 'type: kubernetes.io/tls\ndata: {tls.crt: YQ==}', error: [6, 'data', 'a Secret of type kubernetes.io/tls must have the keys tls.crt and tls.key (in data or stringData)'] },
  { name: 'a TLS Secret written with stringData', body: 'type: kubernetes.io/tls\nstringData: {tls.crt: cert, tls.key: key}' },
]);

schemaTable('v1', 'ConfigMap', [
  { name: 'a ConfigMap loads', body: 'data: {ca.crt: "-----BEGIN CERTIFICATE-----"}\nbinaryData: {blob: AAEC}' },
  { name: 'data values are strings', body: 'data: {port: 8080}', error: [5, 'data.port', 'must be a string, got 8080'] },
  { name: 'data keys are not "."', body: 'data: {"..": x}', error: [5, 'data[..]', 'invalid key "..": must not be "." or ".."'] },
]);

schemaTable('v1', 'Namespace', [{ name: 'a Namespace loads', body: 'spec: {finalizers: [kubernetes]}' }], { clusterScoped: true });
