// GRPCRoute (apis/v1/grpcroute_types.go, v1.6.1, experimental channel).
import type { GRPCRoute, GRPCRouteFilter, GRPCRouteRule } from '../../model/gatewayapi.ts';
import type { Assert, Infer, Same } from './dsl.ts';
import { list, obj, oneOf, req, str } from './dsl.ts';
import {
  backendRefProps,
  filterTypeRules,
  headerFilter,
  hostname,
  localObjectReference,
  notRepeated,
  parentRefs,
  requestMirror,
  ruleName,
  servicePortRule,
  sessionPersistence,
  uniqueRuleNames,
  useDefaultGateways,
} from './common.ts';
import { metadata } from './meta.ts';
import { GRPC_METHOD, GRPC_SERVICE, HEADER_NAME } from './patterns.ts';

const methodMatch = obj(
  { type: oneOf(['Exact', 'RegularExpression']), service: str({ max: 1024 }), method: str({ max: 1024 }) },
  {
    rules: [
      {
        message: 'set service, method or both',
        valid: (m) => m.type === undefined || m.service !== undefined || m.method !== undefined,
      },
      {
        message: `service must be ${GRPC_SERVICE.describe} when type is Exact`,
        valid: (m) => (m.type ?? 'Exact') !== 'Exact' || m.service === undefined || GRPC_SERVICE.re.test(m.service),
        at: () => ['service'],
      },
      {
        message: `method must be ${GRPC_METHOD.describe} when type is Exact`,
        valid: (m) => (m.type ?? 'Exact') !== 'Exact' || m.method === undefined || GRPC_METHOD.re.test(m.method),
        at: () => ['method'],
      },
    ],
  },
);

const headerMatch = obj({
  type: oneOf(['Exact', 'RegularExpression']),
  name: req(str({ min: 1, max: 256, pattern: HEADER_NAME })),
  value: req(str({ min: 1, max: 4096 })),
});

const routeMatch = obj({ method: methodMatch, headers: list(headerMatch, { max: 16, unique: ['name'] }) });

const filter = obj(
  {
    type: req(oneOf(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef'])),
    requestHeaderModifier: headerFilter,
    responseHeaderModifier: headerFilter,
    requestMirror,
    extensionRef: localObjectReference,
  },
  {
    rules: filterTypeRules<GRPCRouteFilter>({
      RequestHeaderModifier: 'requestHeaderModifier',
      ResponseHeaderModifier: 'responseHeaderModifier',
      RequestMirror: 'requestMirror',
      ExtensionRef: 'extensionRef',
    }),
  },
);
export type GRPCRouteFilterMatchesModel = Assert<Same<Infer<typeof filter>, GRPCRouteFilter>>;

const filters = list(filter, { max: 16, rules: [notRepeated('RequestHeaderModifier'), notRepeated('ResponseHeaderModifier')] });

const backendRef = obj({ ...backendRefProps, filters }, { rules: [servicePortRule] });

const rule = obj({
  name: ruleName,
  matches: list(routeMatch, { max: 64 }),
  filters,
  backendRefs: list(backendRef, { max: 16 }),
  sessionPersistence,
});
export type GRPCRouteRuleMatchesModel = Assert<Same<Infer<typeof rule>, GRPCRouteRule>>;

const MAX_TOTAL_MATCHES = 128;

const spec = obj({
  parentRefs,
  useDefaultGateways,
  hostnames: list(hostname, { max: 16 }),
  rules: list(rule, {
    max: 16,
    rules: [
      {
        message: `a route may have at most ${MAX_TOTAL_MATCHES} matches across all its rules`,
        valid: (rules) => rules.reduce((sum, r) => sum + (r.matches ?? []).length, 0) <= MAX_TOTAL_MATCHES,
      },
      uniqueRuleNames(),
    ],
  }),
});

export const grpcRoute = obj(
  { apiVersion: req(str()), kind: req(oneOf(['GRPCRoute'])), metadata: req(metadata.subdomain), spec: req(spec) },
  { drop: ['status'] },
);
export type GRPCRouteMatchesModel = Assert<Same<Infer<typeof grpcRoute>, Omit<GRPCRoute, 'status'>>>;
