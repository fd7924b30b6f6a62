// GRPCRoute schema rules (v1.6.1 CRD, experimental channel).
import { GRPC_METHOD, GRPC_SERVICE, HEADER_NAME } from './schema/patterns.ts';
import type { SchemaCase } from './test-support.ts';
import { schemaTable, spec, yaml } from './test-support.ts';

const rule = (text: string) => spec(`rules:\n- ${text}`); // the rule is on line 7
const match = (text: string) => rule(`matches: [${text}]`);
const filter = (text: string) => rule(`filters: [${text}]`);
const many = (n: number, item: string) => Array.from({ length: n }, () => item).join(', ');

const cases: SchemaCase[] = [
  {
    name: 'a complete route loads',
    body: spec(yaml`
      parentRefs: [{name: gw, sectionName: grpc}]
      hostnames: [grpc.example.com]
      rules:
      - name: echo
        matches:
        - method: {service: echo.v1.Echo, method: Say}
          headers: [{name: x-tenant, value: a  b}]
        - method: {type: RegularExpression, service: 'echo\\..*'}
        filters:
        - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: "1"}]}}
        - {type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 9000}}}
        backendRefs:
        - {name: echo, port: 9000, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x-b]}}]}
        sessionPersistence: {type: Header, sessionName: session}
    `),
  },
  { name: 'a route without rules is valid', body: spec('parentRefs: [{name: gw}]') },
  { name: 'an empty rules list is valid (no minimum for GRPCRoute)', body: spec('rules: []') },
  {
    name: 'at most 128 matches across rules (rules without matches count zero)',
    body: spec(`rules:\n- matches: [${many(64, '{}')}]\n- matches: [${many(64, '{}')}]\n- matches: [{}]`),
    error: [6, 'spec.rules', 'a route may have at most 128 matches across all its rules'],
  },
  { name: '128 matches and a rule without matches', body: spec(`rules:\n- matches: [${many(64, '{}')}]\n- matches: [${many(64, '{}')}]\n- {}`) },
  {
    name: 'rule names are unique',
    body: spec('rules:\n- name: a\n- name: a'),
    error: [8, 'spec.rules[1].name', 'rule name "a" is used by more than one rule; rule names must be unique within the route'],
  },
  { name: 'a method match with a type needs service or method', body: match('{method: {type: Exact}}'), error: [7, 'spec.rules[0].matches[0].method', 'set service, method or both'] },
  { name: 'an empty method match (no type) is valid', body: match('{method: {}}') },
  {
    name: 'an Exact service is a gRPC service name',
    body: match('{method: {service: "echo/v1"}}'),
    error: [7, 'spec.rules[0].matches[0].method.service', `service must be ${GRPC_SERVICE.describe} when type is Exact`],
  },
  { name: 'service names are case-insensitive identifiers', body: match('{method: {service: Echo.V1._Svc}}') },
  {
    name: 'an Exact method is a gRPC method name',
    body: match('{method: {method: "1say"}}'),
    error: [7, 'spec.rules[0].matches[0].method.method', `method must be ${GRPC_METHOD.describe} when type is Exact`],
  },
  { name: 'RegularExpression method matches are not held to name rules', body: match('{method: {type: RegularExpression, method: "S.*"}}') },
  {
    name: 'the method type is an enum',
    body: match('{method: {type: Prefix, service: a}}'),
    error: [7, 'spec.rules[0].matches[0].method.type', 'invalid value "Prefix": must be one of "Exact", "RegularExpression"'],
  },
  {
    name: 'header names are unique within a match',
    body: match('{headers: [{name: a, value: "1"}, {name: a, value: "2"}]}'),
    error: [7, 'spec.rules[0].matches[0].headers[1].name', 'duplicate entry: name "a" is already used by an earlier entry; it must be unique in this list'],
  },
  { name: 'header names are tokens', body: match('{headers: [{name: "a:b", value: "1"}]}'), error: [7, 'spec.rules[0].matches[0].headers[0].name', `invalid value "a:b": must be ${HEADER_NAME.describe}`] },
  {
    name: 'the filter type is an enum (no redirects in gRPC)',
    body: filter('{type: RequestRedirect}'),
    error: [7, 'spec.rules[0].filters[0].type', 'invalid value "RequestRedirect": must be one of "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef"'],
  },
  { name: 'a filter type names its config', body: filter('{type: RequestMirror}'), error: [7, 'spec.rules[0].filters[0].requestMirror', 'requestMirror must be set when type is RequestMirror'] },
  {
    name: 'a filter carries only its own config',
    body: filter('{type: ExtensionRef, extensionRef: {group: g.io, kind: K, name: n}, requestHeaderModifier: {}}'),
    error: [7, 'spec.rules[0].filters[0].requestHeaderModifier', 'requestHeaderModifier must not be set when type is ExtensionRef (it belongs to type RequestHeaderModifier)'],
  },
  {
    name: 'RequestHeaderModifier is not repeated',
    body: filter('{type: RequestHeaderModifier, requestHeaderModifier: {}}, {type: RequestHeaderModifier, requestHeaderModifier: {}}'),
    error: [7, 'spec.rules[0].filters[1].type', 'the RequestHeaderModifier filter may appear only once in a filters list'],
  },
  {
    name: 'ResponseHeaderModifier is not repeated in a backendRef',
    body: rule('backendRefs: [{name: s, port: 1, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {}}, {type: ResponseHeaderModifier, responseHeaderModifier: {}}]}]'),
    error: [7, 'spec.rules[0].backendRefs[0].filters[1].type', 'the ResponseHeaderModifier filter may appear only once in a filters list'],
  },
  { name: 'a Service backendRef needs a port', body: rule('backendRefs: [{name: s}]'), error: [7, 'spec.rules[0].backendRefs[0].port', 'port is required when the backend is a Service'] },
  { name: 'GRPCRoute has no timeouts', body: rule('timeouts: {request: 1s}'), warning: [7, 'spec.rules[0].timeouts', 'unknown field "timeouts" ignored'] },
];

schemaTable('gateway.networking.k8s.io/v1', 'GRPCRoute', cases);
