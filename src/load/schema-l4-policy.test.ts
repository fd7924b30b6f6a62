// TLSRoute, TCPRoute, UDPRoute (per served version), ReferenceGrant and
// BackendTLSPolicy schema rules (v1.6.1 CRDs).
import { GROUP, HOSTNAME, SAN_URI, WELL_KNOWN_CA } from './schema/patterns.ts';
import { schemaTable, spec } from './test-support.ts';

const GW = 'gateway.networking.k8s.io';
const backends = 'backendRefs: [{name: db, port: 5432}]';

// ---------------------------------------------------------------- TLSRoute

schemaTable(`${GW}/v1`, 'TLSRoute', [
  { name: 'a route loads', body: spec(`parentRefs: [{name: gw, sectionName: tls}]\nhostnames: ["*.example.com"]\nrules:\n- ${backends}`) },
  { name: 'hostnames are required in v1', body: spec(`rules:\n- ${backends}`), error: [5, 'spec.hostnames', 'required field is missing'] },
  { name: 'at least one hostname', body: spec(`hostnames: []\nrules:\n- ${backends}`), error: [6, 'spec.hostnames', 'must have at least one item'] },
  { name: 'hostnames are not IPs', body: spec(`hostnames: [a.com, 10.0.0.1]\nrules:\n- ${backends}`), error: [6, 'spec.hostnames[1]', 'hostnames must be names, not IP addresses'] },
  { name: 'hostnames are hostnames', body: spec(`hostnames: ["a.*"]\nrules:\n- ${backends}`), error: [6, 'spec.hostnames[0]', `invalid value "a.*": must be ${HOSTNAME.describe}`] },
  { name: 'rules are required', body: spec('hostnames: [a.com]'), error: [5, 'spec.rules', 'required field is missing'] },
  { name: 'one rule in v1', body: spec(`hostnames: [a.com]\nrules:\n- ${backends}\n- ${backends}`), error: [7, 'spec.rules', 'must have at most 1 items (has 2)'] },
  { name: 'a rule needs backendRefs', body: spec('hostnames: [a.com]\nrules:\n- name: r'), error: [8, 'spec.rules[0].backendRefs', 'required field is missing'] },
  { name: 'backendRefs must not be empty', body: spec('hostnames: [a.com]\nrules:\n- backendRefs: []'), error: [8, 'spec.rules[0].backendRefs', 'must have at least one item'] },
  { name: 'a Service backendRef needs a port', body: spec('hostnames: [a.com]\nrules:\n- backendRefs: [{name: db}]'), error: [8, 'spec.rules[0].backendRefs[0].port', 'port is required when the backend is a Service'] },
]);
schemaTable(`${GW}/v1alpha3`, 'TLSRoute', [
  { name: 'v1alpha3 is served with the v1 schema', body: spec(`hostnames: [a.com]\nrules:\n- ${backends}`) },
  { name: 'v1alpha3 requires hostnames', body: spec(`rules:\n- ${backends}`), error: [5, 'spec.hostnames', 'required field is missing'] },
]);
schemaTable(`${GW}/v1alpha2`, 'TLSRoute', [
  { name: 'v1alpha2 hostnames are optional and rules may be many', body: spec(`rules:\n- {name: a, ${backends}}\n- {name: b, ${backends}}`) },
  {
    name: 'v1alpha2 rule names are unique',
    body: spec(`rules:\n- {name: a, ${backends}}\n- {name: a, ${backends}}`),
    error: [8, 'spec.rules[1].name', 'rule name "a" is used by more than one rule; rule names must be unique within the route'],
  },
  { name: 'v1alpha2 allows at most 16 rules', body: spec(`rules: [${Array.from({ length: 17 }, () => `{${backends}}`).join(', ')}]`), error: [6, 'spec.rules', 'must have at most 16 items (has 17)'] },
]);

// ---------------------------------------------------------------- TCPRoute, UDPRoute

for (const kind of ['TCPRoute', 'UDPRoute']) {
  schemaTable(`${GW}/v1`, kind, [
    { name: 'a route loads', body: spec(`parentRefs: [{name: gw, port: 5432}]\nrules:\n- ${backends}`) },
    { name: 'rules are required', body: spec('parentRefs: [{name: gw}]'), error: [5, 'spec.rules', 'required field is missing'] },
    { name: 'one rule in v1', body: spec(`rules:\n- ${backends}\n- ${backends}`), error: [6, 'spec.rules', 'must have at most 1 items (has 2)'] },
    { name: 'no hostnames', body: spec(`hostnames: [a.com]\nrules:\n- ${backends}`), warning: [6, 'spec.hostnames', 'unknown field "hostnames" ignored'] },
    {
      name: 'parentRefs do not repeat',
      body: spec(`parentRefs: [{name: gw, port: 1}, {name: gw, port: 1}]\nrules:\n- ${backends}`),
      error: [6, 'spec.parentRefs[1]', 'parentRefs must not repeat: two refer to the same parent with the same sectionName and port'],
    },
  ]);
  schemaTable(`${GW}/v1alpha2`, kind, [
    { name: 'v1alpha2 allows several rules', body: spec(`rules:\n- ${backends}\n- ${backends}`) },
    { name: 'v1alpha2 rule names are unique', body: spec(`rules:\n- {name: a, ${backends}}\n- {name: a, ${backends}}`), error: [8, 'spec.rules[1].name', 'rule name "a" is used by more than one rule; rule names must be unique within the route'] },
  ]);
}

// ---------------------------------------------------------------- ReferenceGrant

for (const version of ['v1', 'v1beta1']) {
  schemaTable(`${GW}/${version}`, 'ReferenceGrant', [
    { name: 'a grant loads', body: spec(`from: [{group: ${GW}, kind: HTTPRoute, namespace: apps}]\nto: [{group: "", kind: Service}, {group: "", kind: Secret, name: cert}]`) },
    { name: 'from is required', body: spec('to: [{group: "", kind: Service}]'), error: [5, 'spec.from', 'required field is missing'] },
    { name: 'from must not be empty', body: spec('from: []\nto: [{group: "", kind: Service}]'), error: [6, 'spec.from', 'must have at least one item'] },
    { name: 'from needs a namespace', body: spec(`from: [{group: ${GW}, kind: HTTPRoute}]\nto: [{group: "", kind: Service}]`), error: [6, 'spec.from[0].namespace', 'required field is missing'] },
    { name: 'to needs a group', body: spec(`from: [{group: ${GW}, kind: HTTPRoute, namespace: a}]\nto: [{kind: Service}]`), error: [7, 'spec.to[0].group', 'required field is missing'] },
    { name: 'groups are DNS names', body: spec(`from: [{group: Gateway, kind: HTTPRoute, namespace: a}]\nto: [{group: "", kind: Service}]`), error: [6, 'spec.from[0].group', `invalid value "Gateway": must be ${GROUP.describe}`] },
  ]);
}

// ---------------------------------------------------------------- BackendTLSPolicy

const target = 'targetRefs: [{group: "", kind: Service, name: api}]';
for (const version of ['v1', 'v1alpha3']) {
  schemaTable(`${GW}/${version}`, 'BackendTLSPolicy', [
    {
      name: 'a policy loads',
      body: spec(`${target}\nvalidation:\n  caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]\n  hostname: api.example.com\n  subjectAltNames: [{type: Hostname, hostname: "*.example.com"}, {type: URI, uri: "spiffe://example.org/api"}]\noptions: {example.com/x: y}`),
    },
    { name: 'well-known CAs instead of refs', body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: api.example.com}`) },
    { name: 'implementation-specific well-known CAs', body: spec(`${target}\nvalidation: {wellKnownCACertificates: example.com/bundle, hostname: a.com}`) },
    {
      name: 'well-known CA names are System or domain-prefixed',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: Mozilla, hostname: a.com}`),
      error: [7, 'spec.validation.wellKnownCACertificates', `invalid value "Mozilla": must be ${WELL_KNOWN_CA.describe}`],
    },
    {
      name: 'not both CA refs and well-known CAs',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}], hostname: a.com}`),
      error: [7, 'spec.validation', 'set caCertificateRefs or wellKnownCACertificates, not both'],
    },
    { name: 'one kind of CA is required', body: spec(`${target}\nvalidation: {hostname: a.com}`), error: [7, 'spec.validation', 'one of caCertificateRefs or wellKnownCACertificates is required'] },
    { name: 'the hostname is required', body: spec(`${target}\nvalidation: {wellKnownCACertificates: System}`), error: [7, 'spec.validation.hostname', 'required field is missing'] },
    { name: 'targetRefs must not be empty', body: spec('targetRefs: []\nvalidation: {wellKnownCACertificates: System, hostname: a.com}'), error: [6, 'spec.targetRefs', 'must have at least one item'] },
    {
      name: 'targetRefs to one target all name a sectionName',
      body: spec('targetRefs: [{group: "", kind: Service, name: a, sectionName: https}, {group: "", kind: Service, name: a}]\nvalidation: {wellKnownCACertificates: System, hostname: a.com}'),
      error: [6, 'spec.targetRefs[1].sectionName', 'targetRefs to the same target must all set sectionName (to tell them apart)'],
    },
    {
      name: 'targetRefs do not repeat',
      body: spec('targetRefs: [{group: "", kind: Service, name: a}, {group: "", kind: Service, name: a}]\nvalidation: {wellKnownCACertificates: System, hostname: a.com}'),
      error: [6, 'spec.targetRefs[1]', 'targetRefs must not repeat: two refer to the same target and sectionName'],
    },
    {
      name: 'targetRefs to one target with different sectionNames',
      body: spec('targetRefs: [{group: "", kind: Service, name: a, sectionName: x}, {group: "", kind: Service, name: a, sectionName: y}]\nvalidation: {wellKnownCACertificates: System, hostname: a.com}'),
    },
    {
      name: 'a Hostname SAN needs a hostname',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [{type: Hostname}]}`),
      error: [7, 'spec.validation.subjectAltNames[0].hostname', 'hostname is required when type is Hostname'],
    },
    {
      name: 'a URI SAN carries no hostname',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [{type: URI, uri: "spiffe://a/b", hostname: a.com}]}`),
      error: [7, 'spec.validation.subjectAltNames[0].hostname', 'hostname is only allowed when type is Hostname'],
    },
    {
      name: 'a URI SAN needs a uri',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [{type: URI}]}`),
      error: [7, 'spec.validation.subjectAltNames[0].uri', 'uri is required when type is URI'],
    },
    {
      name: 'a Hostname SAN carries no uri',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [{type: Hostname, hostname: a.com, uri: "spiffe://a/b"}]}`),
      error: [7, 'spec.validation.subjectAltNames[0].uri', 'uri is only allowed when type is URI'],
    },
    {
      name: 'a URI SAN is an absolute URI',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [{type: URI, uri: "no-scheme"}]}`),
      error: [7, 'spec.validation.subjectAltNames[0].uri', `invalid value "no-scheme": must be ${SAN_URI.describe}`],
    },
    {
      name: 'at most 5 SANs',
      body: spec(`${target}\nvalidation: {wellKnownCACertificates: System, hostname: a.com, subjectAltNames: [${Array.from({ length: 6 }, () => '{type: Hostname, hostname: a.com}').join(', ')}]}`),
      error: [7, 'spec.validation.subjectAltNames', 'must have at most 5 items (has 6)'],
    },
  ]);
}
