// What each listener protocol means to Portico: which route kinds it carries,
// how listeners sharing a port are told apart, and whether Portico serves it.
// Status, conflicts and attachment follow this table; gateway-ir.ts builds
// each family's ports (HTTP; HTTPS and TLS behind one TLS front per port;
// TCP; UDP).
//
// GRPCRoute on HTTP listeners: the conformance suite attaches its GRPCRoutes
// to an HTTP listener (h2c with prior knowledge, GRPCRoute docs), so HTTP
// (and HTTPS) listeners support both HTTPRoute and GRPCRoute, as in Envoy
// Gateway.

export interface ProtocolProfile {
  /**
   * Listeners on one port must agree on this (Gateway listeners, "Distinct
   * Listeners"): HTTPS and TLS share a TLS front, UDP is another transport.
   */
  family: 'http' | 'tls' | 'tcp' | 'udp';
  /** Whether Hostname tells listeners of this protocol apart on one port. */
  hostnameDistinct: boolean;
  /** Route kinds (group gateway.networking.k8s.io) the protocol carries. */
  routeKinds: readonly string[];
  /** False: listeners get Accepted=False/UnsupportedProtocol and no routes. */
  served: boolean;
}

const PROTOCOLS: Readonly<Record<string, ProtocolProfile>> = {
  HTTP: { family: 'http', hostnameDistinct: true, routeKinds: ['HTTPRoute', 'GRPCRoute'], served: true },
  HTTPS: { family: 'tls', hostnameDistinct: true, routeKinds: ['HTTPRoute', 'GRPCRoute'], served: true },
  TLS: { family: 'tls', hostnameDistinct: true, routeKinds: ['TLSRoute'], served: true },
  TCP: { family: 'tcp', hostnameDistinct: false, routeKinds: ['TCPRoute'], served: true },
  UDP: { family: 'udp', hostnameDistinct: false, routeKinds: ['UDPRoute'], served: true },
};

/** The profile of a Gateway API protocol; undefined for anything else. */
export function protocolProfile(protocol: string): ProtocolProfile | undefined {
  return Object.hasOwn(PROTOCOLS, protocol) ? PROTOCOLS[protocol] : undefined;
}
