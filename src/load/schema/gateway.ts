// GatewayClass, Gateway and ListenerSet (apis/v1/gatewayclass_types.go,
// gateway_types.go, listenerset_types.go; v1.6.1, experimental channel).
import { isIP } from 'node:net';
import type { FromNamespaces, Gateway, GatewayClass, Listener, ListenerSet } from '../../model/gatewayapi.ts';
import type { Assert, Infer, Rule, Same } from './dsl.ts';
import { list, obj, oneOf, record, req, str, stringEnum } from './dsl.ts';
import { duplicateIndex, group, hostname, kind, namespace, objectName, objectReference, port, routeGroupKind, secretObjectReference, sectionName } from './common.ts';
import { labelSelector, labelValue, metadata } from './meta.ts';
import { ADDRESS_TYPE, CONTROLLER_NAME, HOSTNAME, PROTOCOL, qualifiedNameProblem } from './patterns.ts';

// ---------------------------------------------------------------- GatewayClass

// The CRD also makes controllerName immutable (a transition rule, self ==
// oldSelf). Not enforced here: in file mode there is no stored object to
// compare with across restarts, so enforcing it would make `serve` refuse an
// edit that a restart or `portico check` accepts.
const gatewayClassSpec = obj({
  controllerName: req(str({ min: 1, max: 253, pattern: CONTROLLER_NAME })),
  parametersRef: obj({ group: req(group), kind: req(kind), name: req(objectName), namespace }),
  description: str({ max: 64 }),
});

export const gatewayClass = obj(
  { apiVersion: req(str()), kind: req(oneOf(['GatewayClass'])), metadata: req(metadata.subdomain), spec: req(gatewayClassSpec) },
  { drop: ['status'] },
);
export type GatewayClassMatchesModel = Assert<Same<Infer<typeof gatewayClass>, Omit<GatewayClass, 'status'>>>;

// ---------------------------------------------------------------- listeners

const tlsConfig = obj(
  {
    mode: oneOf(['Terminate', 'Passthrough']),
    certificateRefs: list(secretObjectReference, { max: 64 }),
    options: record(str({ max: 4096 }), { maxProperties: 16 }),
  },
  {
    rules: [
      {
        message: 'certificateRefs or options must be set when mode is Terminate (the default)',
        valid: (t) => (t.mode ?? 'Terminate') !== 'Terminate' || (t.certificateRefs ?? []).length > 0 || Object.keys(t.options ?? {}).length > 0,
      },
    ],
  },
);

const allowedRoutes = obj({
  namespaces: obj({ from: oneOf<readonly FromNamespaces[]>(['All', 'Selector', 'Same']), selector: labelSelector }),
  kinds: list(routeGroupKind, { max: 8 }),
});

const listener = obj({
  name: req(sectionName),
  hostname,
  port: req(port),
  protocol: req(str<Listener['protocol']>({ min: 1, max: 255, pattern: PROTOCOL })),
  tls: tlsConfig,
  allowedRoutes,
});
export type ListenerMatchesModel = Assert<Same<Infer<typeof listener>, Listener>>;

/** A rule that must hold for every listener, reported at the first one that breaks it. */
function eachListener(message: string, valid: (l: Listener) => boolean, field: keyof Listener): Rule<Listener[]> {
  return {
    message,
    valid: (ls) => ls.every(valid),
    at: (ls) => [ls.findIndex((l) => !valid(l)), field],
  };
}

const listenerRules: Rule<Listener[]>[] = [
  eachListener('tls must not be set when protocol is HTTP, TCP or UDP', (l) => !['HTTP', 'TCP', 'UDP'].includes(l.protocol) || l.tls === undefined, 'tls'),
  eachListener('tls.mode must be Terminate when protocol is HTTPS', (l) => l.protocol !== 'HTTPS' || (l.tls?.mode ?? 'Terminate') === 'Terminate', 'tls'),
  eachListener('tls is required when protocol is TLS (with mode Terminate or Passthrough)', (l) => l.protocol !== 'TLS' || l.tls !== undefined, 'tls'),
  eachListener('hostname must not be set when protocol is TCP or UDP', (l) => !['TCP', 'UDP'].includes(l.protocol) || (l.hostname ?? '') === '', 'hostname'),
  {
    // Listener names are unique through the list's map key (checked before rules).
    message: 'two listeners have the same port, protocol and hostname; each combination must be unique',
    valid: (ls) => duplicateIndex(ls, listenerIdentity) === undefined,
    at: (ls) => [duplicateIndex(ls, listenerIdentity) ?? 0],
  },
];

function listenerIdentity(l: Listener): string {
  return `${l.port}/${l.protocol}/${l.hostname ?? ''}`;
}

export const listeners = list(listener, { min: 1, max: 64, unique: ['name'], rules: listenerRules });

// ---------------------------------------------------------------- Gateway

const address = obj(
  { type: str({ min: 1, max: 253, pattern: ADDRESS_TYPE }), value: str({ max: 253 }) },
  {
    rules: [
      {
        message: `value must be ${HOSTNAME.describe} when type is Hostname`,
        valid: (a) => a.type !== 'Hostname' || a.value === undefined || HOSTNAME.re.test(a.value),
        at: () => ['value'],
      },
      {
        message: 'value must be an IPv4 or IPv6 address when type is IPAddress (the default)',
        valid: (a) => (a.type ?? 'IPAddress') !== 'IPAddress' || a.value === undefined || isIP(a.value) !== 0,
        at: () => ['value'],
      },
    ],
  },
);

function uniqueAddressValues(type: string): Rule<{ type?: string; value?: string }[]> {
  const keyOf = (a: { type?: string; value?: string }) => ((a.type ?? 'IPAddress') === type ? a.value : undefined);
  return {
    message: `${type} values must be unique`,
    valid: (as) => duplicateIndex(as, keyOf) === undefined,
    at: (as) => [duplicateIndex(as, keyOf) ?? 0, 'value'],
  };
}

const infrastructure = obj({
  labels: record(labelValue, { maxProperties: 8, key: qualifiedNameProblem }),
  annotations: record(str({ max: 4096 }), { maxProperties: 16, key: qualifiedNameProblem }),
  parametersRef: obj({ group: req(group), kind: req(kind), name: req(objectName) }),
});

const frontendValidation = obj({
  caCertificateRefs: req(list(objectReference, { min: 1, max: 16 })),
  mode: oneOf(['AllowValidOnly', 'AllowInsecureFallback']),
});

const gatewayTLS = obj({
  backend: obj({ clientCertificateRef: secretObjectReference }),
  frontend: obj({
    default: req(obj({ validation: frontendValidation })),
    perPort: list(obj({ port: req(port), tls: req(obj({ validation: frontendValidation })) }), { max: 64, unique: ['port'] }),
  }),
});

const gatewaySpec = obj({
  gatewayClassName: req(str({ min: 1, max: 253 })),
  listeners: req(listeners),
  addresses: list(address, { max: 16, rules: [uniqueAddressValues('IPAddress'), uniqueAddressValues('Hostname')] }),
  infrastructure,
  allowedListeners: obj({ namespaces: obj({ from: oneOf<readonly FromNamespaces[]>(['All', 'Selector', 'Same', 'None']), selector: labelSelector }) }),
  tls: gatewayTLS,
  defaultScope: stringEnum(['All', 'None']),
});

export const gateway = obj(
  { apiVersion: req(str()), kind: req(oneOf(['Gateway'])), metadata: req(metadata.subdomain), spec: req(gatewaySpec) },
  { drop: ['status'] },
);
export type GatewayMatchesModel = Assert<Same<Infer<typeof gateway>, Omit<Gateway, 'status'>>>;

// ---------------------------------------------------------------- ListenerSet

const listenerSetSpec = obj({
  parentRef: req(obj({ group, kind, name: req(objectName), namespace })),
  listeners: req(listeners),
});

export const listenerSet = obj(
  { apiVersion: req(str()), kind: req(oneOf(['ListenerSet'])), metadata: req(metadata.subdomain), spec: req(listenerSetSpec) },
  { drop: ['status'] },
);
export type ListenerSetMatchesModel = Assert<Same<Infer<typeof listenerSet>, Omit<ListenerSet, 'status'>>>;
