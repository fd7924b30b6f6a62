// TLSRoute, TCPRoute and UDPRoute (apis/v1/tlsroute_types.go, tcproute_types.go,
// udproute_types.go, v1.6.1). Their served versions differ: v1 (and TLSRoute
// v1alpha3) allow one rule and TLSRoute v1 requires hostnames; the older
// v1alpha2 allows up to 16 named rules and optional hostnames.
import { isIP } from 'node:net';
import type { L4RouteRule, TCPRoute, TLSRoute, UDPRoute } from '../../model/gatewayapi.ts';
import type { Assert, Infer, Rule, Same } from './dsl.ts';
import { list, obj, oneOf, req, str } from './dsl.ts';
import { backendRef, hostname, parentRefs, ruleName, uniqueRuleNames, useDefaultGateways } from './common.ts';
import { metadata } from './meta.ts';

export interface L4Version {
  /** rules: maxItems (1 in v1, 16 in v1alpha2). */
  maxRules: number;
  /** TLSRoute v1 and v1alpha3: at least one hostname, and no IP addresses. */
  hostnamesRequired: boolean;
}

export const L4_V1: L4Version = { maxRules: 1, hostnamesRequired: true };
export const L4_V1ALPHA2: L4Version = { maxRules: 16, hostnamesRequired: false };

const rule = obj({ name: ruleName, backendRefs: list(backendRef, { min: 1, max: 16 }) }, { alsoRequired: ['backendRefs'] });
export type L4RouteRuleMatchesModel = Assert<Same<Infer<typeof rule>, L4RouteRule>>;

function rules(version: L4Version) {
  // Rule names can only collide where more than one rule is allowed.
  const ruleRules: Rule<L4RouteRule[]>[] = version.maxRules > 1 ? [uniqueRuleNames()] : [];
  return list(rule, { min: 1, max: version.maxRules, rules: ruleRules });
}

const noIPs: Rule<string[]> = {
  message: 'hostnames must be names, not IP addresses',
  valid: (hs) => hs.every((h) => isIP(h) === 0),
  at: (hs) => [hs.findIndex((h) => isIP(h) !== 0)],
};

function tlsRouteSpec(version: L4Version) {
  const hostnames = version.hostnamesRequired ? list(hostname, { min: 1, max: 1024, rules: [noIPs] }) : list(hostname, { max: 1024 });
  return obj(
    { parentRefs, useDefaultGateways, hostnames, rules: rules(version) },
    { alsoRequired: version.hostnamesRequired ? ['hostnames', 'rules'] : ['rules'] },
  );
}

function l4RouteSpec(version: L4Version) {
  return obj({ parentRefs, useDefaultGateways, rules: rules(version) }, { alsoRequired: ['rules'] });
}

export function tlsRoute(version: L4Version) {
  return obj(
    { apiVersion: req(str()), kind: req(oneOf(['TLSRoute'])), metadata: req(metadata.subdomain), spec: req(tlsRouteSpec(version)) },
    { drop: ['status'] },
  );
}
export type TLSRouteMatchesModel = Assert<Same<Infer<ReturnType<typeof tlsRoute>>, Omit<TLSRoute, 'status'>>>;

export function tcpRoute(version: L4Version) {
  return obj(
    { apiVersion: req(str()), kind: req(oneOf(['TCPRoute'])), metadata: req(metadata.subdomain), spec: req(l4RouteSpec(version)) },
    { drop: ['status'] },
  );
}
export type TCPRouteMatchesModel = Assert<Same<Infer<ReturnType<typeof tcpRoute>>, Omit<TCPRoute, 'status'>>>;

export function udpRoute(version: L4Version) {
  return obj(
    { apiVersion: req(str()), kind: req(oneOf(['UDPRoute'])), metadata: req(metadata.subdomain), spec: req(l4RouteSpec(version)) },
    { drop: ['status'] },
  );
}
export type UDPRouteMatchesModel = Assert<Same<Infer<ReturnType<typeof udpRoute>>, Omit<UDPRoute, 'status'>>>;
