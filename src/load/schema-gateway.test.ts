// GatewayClass, Gateway and ListenerSet schema rules (v1.6.1 CRDs, experimental channel).
import { ADDRESS_TYPE, CONTROLLER_NAME, DNS_SUBDOMAIN, HOSTNAME, PROTOCOL } from './schema/patterns.ts';
import type { SchemaCase } from './test-support.ts';
import { schemaTable, spec, yaml } from './test-support.ts';

// ---------------------------------------------------------------- GatewayClass

schemaTable(
  'gateway.networking.k8s.io/v1',
  'GatewayClass',
  [
    { name: 'a class loads', body: spec('controllerName: portico.dev/gateway-controller\ndescription: the default\nparametersRef: {group: example.com, kind: Config, name: c, namespace: infra}') },
    { name: 'controllerName is required', body: spec('description: x'), error: [5, 'spec.controllerName', 'required field is missing'] },
    {
      name: 'controllerName is a domain-prefixed path',
      body: spec('controllerName: portico'),
      error: [6, 'spec.controllerName', `invalid value "portico": must be ${CONTROLLER_NAME.describe}`],
    },
    { name: 'description is at most 64 characters', body: spec(`controllerName: a.io/b\ndescription: ${'d'.repeat(65)}`), error: [7, 'spec.description', 'must be at most 64 characters long (is 65)'] },
    { name: 'parametersRef needs group, kind and name', body: spec('controllerName: a.io/b\nparametersRef: {kind: K, name: n}'), error: [7, 'spec.parametersRef.group', 'required field is missing'] },
  ],
  { clusterScoped: true },
);
schemaTable('gateway.networking.k8s.io/v1beta1', 'GatewayClass', [{ name: 'v1beta1 is served', body: spec('controllerName: a.io/b') }], { clusterScoped: true });

// ---------------------------------------------------------------- Gateway

const gateway = (listeners: string, more = '') => spec(`gatewayClassName: portico\nlisteners:\n${listeners}${more === '' ? '' : `\n${more}`}`);
const http = '- {name: http, port: 80, protocol: HTTP}'; // line 8
const tls = '{mode: Terminate, certificateRefs: [{name: cert}]}';

const gatewayCases: SchemaCase[] = [
  {
    name: 'a complete gateway loads',
    body: spec(yaml`
      gatewayClassName: portico
      addresses: [{value: 10.0.0.1}, {type: Hostname, value: gw.example.com}, {type: example.com/pool, value: blue}]
      listeners:
      - name: http
        port: 80
        protocol: HTTP
        hostname: "*.example.com"
        allowedRoutes:
          namespaces: {from: Selector, selector: {matchLabels: {team: a}, matchExpressions: [{key: env, operator: In, values: [prod]}]}}
          kinds: [{kind: HTTPRoute}, {group: gateway.networking.k8s.io, kind: GRPCRoute}]
      - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: cert, namespace: certs}]}}
      - {name: tls, port: 8443, protocol: TLS, tls: {mode: Passthrough}}
      - {name: tcp, port: 5432, protocol: TCP}
      - {name: udp, port: 53, protocol: UDP}
      - {name: custom, port: 9000, protocol: example.com/custom}
      - {name: opts, port: 9443, protocol: HTTPS, tls: {options: {example.com/cipher: fast}}}
      infrastructure:
        labels: {example.com/team: a}
        annotations: {note: anything goes here}
        parametersRef: {group: example.com, kind: Params, name: p}
      allowedListeners: {namespaces: {from: None}}
      tls:
        backend: {clientCertificateRef: {name: client}}
        frontend:
          default: {validation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}}
          perPort: [{port: 443, tls: {validation: {mode: AllowInsecureFallback, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca2}]}}}]
      defaultScope: All
    `),
  },
  { name: 'gatewayClassName is required', body: spec(`listeners:\n${http}`), error: [5, 'spec.gatewayClassName', 'required field is missing'] },
  { name: 'at least one listener', body: spec('gatewayClassName: portico\nlisteners: []'), error: [7, 'spec.listeners', 'must have at least one item'] },
  {
    name: 'at most 64 listeners',
    body: gateway(Array.from({ length: 65 }, (_, i) => `- {name: l${i}, port: ${i + 1}, protocol: HTTP}`).join('\n')),
    error: [7, 'spec.listeners', 'must have at most 64 items (has 65)'],
  },
  {
    name: 'listener names are unique',
    body: gateway(`${http}\n- {name: http, port: 81, protocol: HTTP}`),
    error: [9, 'spec.listeners[1].name', 'duplicate entry: name "http" is already used by an earlier entry; it must be unique in this list'],
  },
  {
    name: 'port, protocol and hostname are unique together',
    body: gateway(`${http}\n- {name: other, port: 80, protocol: HTTP}`),
    error: [9, 'spec.listeners[1]', 'two listeners have the same port, protocol and hostname; each combination must be unique'],
  },
  { name: 'the same port with another hostname', body: gateway(`${http}\n- {name: other, port: 80, protocol: HTTP, hostname: a.example.com}`) },
  { name: 'listener names are RFC 1123', body: gateway('- {name: HTTP, port: 80, protocol: HTTP}'), error: [8, 'spec.listeners[0].name', `invalid value "HTTP": must be ${DNS_SUBDOMAIN.describe}`] },
  { name: 'listener port is 1-65535', body: gateway('- {name: a, port: 65536, protocol: HTTP}'), error: [8, 'spec.listeners[0].port', 'invalid value 65536: must be between 1 and 65535'] },
  { name: 'listener port is required', body: gateway('- {name: a, protocol: HTTP}'), error: [8, 'spec.listeners[0].port', 'required field is missing'] },
  { name: 'listener protocol format', body: gateway('- {name: a, port: 1, protocol: "HTTP/2"}'), error: [8, 'spec.listeners[0].protocol', `invalid value "HTTP/2": must be ${PROTOCOL.describe}`] },
  { name: 'listener hostname format', body: gateway('- {name: a, port: 1, protocol: HTTP, hostname: "*"}'), error: [8, 'spec.listeners[0].hostname', `invalid value "*": must be ${HOSTNAME.describe}`] },
  { name: 'HTTP listeners have no tls', body: gateway(`- {name: a, port: 1, protocol: HTTP, tls: ${tls}}`), error: [8, 'spec.listeners[0].tls', 'tls must not be set when protocol is HTTP, TCP or UDP'] },
  { name: 'UDP listeners have no tls', body: gateway(`- {name: a, port: 1, protocol: UDP, tls: ${tls}}`), error: [8, 'spec.listeners[0].tls', 'tls must not be set when protocol is HTTP, TCP or UDP'] },
  { name: 'HTTPS listeners terminate', body: gateway('- {name: a, port: 1, protocol: HTTPS, tls: {mode: Passthrough}}'), error: [8, 'spec.listeners[0].tls', 'tls.mode must be Terminate when protocol is HTTPS'] },
  { name: 'TLS listeners need tls', body: gateway('- {name: a, port: 1, protocol: TLS}'), error: [8, 'spec.listeners[0].tls', 'tls is required when protocol is TLS (with mode Terminate or Passthrough)'] },
  { name: 'TLS listeners may terminate', body: gateway(`- {name: a, port: 1, protocol: TLS, tls: ${tls}}`) },
  { name: 'TCP listeners have no hostname', body: gateway('- {name: a, port: 1, protocol: TCP, hostname: a.com}'), error: [8, 'spec.listeners[0].hostname', 'hostname must not be set when protocol is TCP or UDP'] },
  {
    name: 'terminating TLS needs certificateRefs or options',
    body: gateway('- {name: a, port: 1, protocol: HTTPS, tls: {certificateRefs: []}}'),
    error: [8, 'spec.listeners[0].tls', 'certificateRefs or options must be set when mode is Terminate (the default)'],
  },
  { name: 'tls mode is an enum', body: gateway('- {name: a, port: 1, protocol: TLS, tls: {mode: Reencrypt}}'), error: [8, 'spec.listeners[0].tls.mode', 'invalid value "Reencrypt": must be one of "Terminate", "Passthrough"'] },
  {
    name: 'at most 16 tls options',
    body: gateway(`- {name: a, port: 1, protocol: HTTPS, tls: {options: {${Array.from({ length: 17 }, (_, i) => `o${i}: v`).join(', ')}}}}`),
    error: [8, 'spec.listeners[0].tls.options', 'must have at most 16 entries (has 17)'],
  },
  {
    name: 'allowedRoutes from is All, Selector or Same',
    body: gateway('- {name: a, port: 1, protocol: HTTP, allowedRoutes: {namespaces: {from: None}}}'),
    error: [8, 'spec.listeners[0].allowedRoutes.namespaces.from', 'invalid value "None": must be one of "All", "Selector", "Same"'],
  },
  {
    name: 'selector In needs values',
    body: gateway('- {name: a, port: 1, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchExpressions: [{key: k, operator: In}]}}}}'),
    error: [8, 'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].values', 'values must not be empty when operator is In or NotIn'],
  },
  {
    name: 'selector Exists takes no values',
    body: gateway('- {name: a, port: 1, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchExpressions: [{key: k, operator: Exists, values: [x]}]}}}}'),
    error: [8, 'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].values', 'values must be empty when operator is Exists or DoesNotExist'],
  },
  {
    name: 'selector operators are Kubernetes operators',
    body: gateway('- {name: a, port: 1, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchExpressions: [{key: k, operator: Equals}]}}}}'),
    error: [8, 'spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator', 'invalid value "Equals": must be one of "In", "NotIn", "Exists", "DoesNotExist"'],
  },
  {
    name: 'at most 8 allowed kinds',
    body: gateway(`- {name: a, port: 1, protocol: HTTP, allowedRoutes: {kinds: [${Array.from({ length: 9 }, (_, i) => `{kind: K${i}}`).join(', ')}]}}`),
    error: [8, 'spec.listeners[0].allowedRoutes.kinds', 'must have at most 8 items (has 9)'],
  },
  { name: 'IPAddress values are IPs', body: gateway(http, 'addresses: [{value: gw.example.com}]'), error: [9, 'spec.addresses[0].value', 'value must be an IPv4 or IPv6 address when type is IPAddress (the default)'] },
  { name: 'IPv6 addresses', body: gateway(http, 'addresses: [{type: IPAddress, value: "2001:db8::1"}]') },
  { name: 'Hostname values are hostnames', body: gateway(http, 'addresses: [{type: Hostname, value: 10.0.0.1:80}]'), error: [9, 'spec.addresses[0].value', `value must be ${HOSTNAME.describe} when type is Hostname`] },
  { name: 'IPAddress values are unique', body: gateway(http, 'addresses: [{value: 10.0.0.1}, {type: IPAddress, value: 10.0.0.1}]'), error: [9, 'spec.addresses[1].value', 'IPAddress values must be unique'] },
  { name: 'Hostname values are unique', body: gateway(http, 'addresses: [{type: Hostname, value: a.com}, {type: Hostname, value: a.com}]'), error: [9, 'spec.addresses[1].value', 'Hostname values must be unique'] },
  { name: 'an address without value (to be assigned)', body: gateway(http, 'addresses: [{type: NamedAddress}]') },
  { name: 'address types are known or domain-prefixed', body: gateway(http, 'addresses: [{type: "bad type", value: x}]'), error: [9, 'spec.addresses[0].type', `invalid value "bad type": must be ${ADDRESS_TYPE.describe}`] },
  {
    name: 'infrastructure labels are at most 8',
    body: gateway(http, `infrastructure: {labels: {${Array.from({ length: 9 }, (_, i) => `l${i}: v`).join(', ')}}}`),
    error: [9, 'spec.infrastructure.labels', 'must have at most 8 entries (has 9)'],
  },
  {
    name: 'infrastructure label keys are qualified names',
    body: gateway(http, 'infrastructure: {labels: {"-bad": v}}'),
    error: [9, 'spec.infrastructure.labels[-bad]', 'invalid key "-bad": must be an optional DNS-name prefix and "/" followed by a name of up to 63 letters, digits, \'-\', \'_\' or \'.\' that starts and ends with a letter or digit'],
  },
  {
    name: 'infrastructure label values are label values',
    body: gateway(http, 'infrastructure: {labels: {a: "b c"}}'),
    error: [9, 'spec.infrastructure.labels.a', 'invalid value "b c": must be empty, or up to 63 letters, digits, \'-\', \'_\' or \'.\' starting and ending with a letter or digit'],
  },
  {
    name: 'allowedListeners may be None',
    body: gateway(http, 'allowedListeners: {namespaces: {from: Everywhere}}'),
    error: [9, 'spec.allowedListeners.namespaces.from', 'invalid value "Everywhere": must be one of "All", "Selector", "Same", "None"'],
  },
  { name: 'frontend TLS needs a default', body: gateway(http, 'tls: {frontend: {perPort: []}}'), error: [9, 'spec.tls.frontend.default', 'required field is missing'] },
  {
    name: 'frontend validation needs CA refs',
    body: gateway(http, 'tls: {frontend: {default: {validation: {caCertificateRefs: []}}}}'),
    error: [9, 'spec.tls.frontend.default.validation.caCertificateRefs', 'must have at least one item'],
  },
  {
    name: 'per-port TLS ports are unique',
    body: gateway(
      http,
      'tls:\n  frontend:\n    default: {}\n    perPort:\n    - {port: 443, tls: {}}\n    - {port: 443, tls: {}}',
    ),
    error: [14, 'spec.tls.frontend.perPort[1].port', 'duplicate entry: port 443 is already used by an earlier entry; it must be unique in this list'],
  },
  { name: 'defaultScope is All or None', body: gateway(http, 'defaultScope: Some'), error: [9, 'spec.defaultScope', 'invalid value "Some": must be one of "All", "None"'] },
];

schemaTable('gateway.networking.k8s.io/v1', 'Gateway', gatewayCases);
schemaTable('gateway.networking.k8s.io/v1beta1', 'Gateway', [
  { name: 'v1beta1 is served', body: gateway(http) },
  { name: 'v1beta1 rejects what v1 rejects', body: gateway('- {name: a, port: 1, protocol: TLS}'), error: [8, 'spec.listeners[0].tls', 'tls is required when protocol is TLS (with mode Terminate or Passthrough)'] },
]);

// ---------------------------------------------------------------- ListenerSet

schemaTable('gateway.networking.k8s.io/v1', 'ListenerSet', [
  { name: 'a listener set loads', body: spec(`parentRef: {name: gw, namespace: infra}\nlisteners:\n${http}`) },
  { name: 'parentRef is required', body: spec(`listeners:\n${http}`), error: [5, 'spec.parentRef', 'required field is missing'] },
  {
    name: 'listener rules apply as in a Gateway',
    body: spec(`parentRef: {name: gw}\nlisteners:\n${http}\n- {name: http, port: 81, protocol: HTTP}`),
    error: [9, 'spec.listeners[1].name', 'duplicate entry: name "http" is already used by an earlier entry; it must be unique in this list'],
  },
  {
    name: 'port, protocol and hostname are unique together',
    body: spec(`parentRef: {name: gw}\nlisteners:\n${http}\n- {name: b, port: 80, protocol: HTTP}`),
    error: [9, 'spec.listeners[1]', 'two listeners have the same port, protocol and hostname; each combination must be unique'],
  },
]);
