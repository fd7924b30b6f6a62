import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClaimedPorts, markConflicts } from './conflicts.ts';
import type { ListenerContext } from './listener.ts';
import type { ProtocolProfile } from './protocols.ts';

// Profiles as they will be once every protocol is served, to check the
// distinct-listener rules for all of them.
const SERVED: Record<string, ProtocolProfile> = {
  HTTP: { family: 'http', hostnameDistinct: true, routeKinds: ['HTTPRoute'], served: true },
  HTTPS: { family: 'tls', hostnameDistinct: true, routeKinds: ['HTTPRoute'], served: true },
  TLS: { family: 'tls', hostnameDistinct: true, routeKinds: ['TLSRoute'], served: true },
  TCP: { family: 'tcp', hostnameDistinct: false, routeKinds: ['TCPRoute'], served: true },
  UDP: { family: 'udp', hostnameDistinct: false, routeKinds: ['UDPRoute'], served: true },
};

function listener(name: string, port: number, protocol: string, hostname?: string, served = true): ListenerContext {
  const profile = SERVED[protocol];
  return {
    gatewayNamespace: 'ns',
    gatewayName: 'gw',
    owner: { kind: 'Gateway', namespace: 'ns', name: 'gw' },
    spec: { name, port, protocol },
    name,
    port,
    protocol,
    hostname,
    irName: `gateway/ns/gw/listener/${name}`,
    profile: profile === undefined ? undefined : { ...profile, served },
    tlsMode: undefined,
    tlsOptions: {},
    supportedKinds: [],
    invalidKinds: [],
    allowsNamespace: () => true,
    rejection: served ? undefined : { reason: 'UnsupportedProtocol', message: 'not served' },
    conflict: undefined,
    attachedRoutes: 0,
  };
}

function conflicts(listeners: ListenerContext[]): Record<string, string> {
  markConflicts(listeners);
  return Object.fromEntries(listeners.map((l) => [l.name, l.conflict?.reason ?? '-']));
}

test('distinct listeners: port, protocol family and (for HTTP, HTTPS, TLS) hostname', () => {
  const table: [string, ListenerContext[], Record<string, string>][] = [
    ['different hostnames share a port', [listener('a', 80, 'HTTP', 'a.com'), listener('b', 80, 'HTTP', 'b.com'), listener('c', 80, 'HTTP')], { a: '-', b: '-', c: '-' }],
    ['same hostname on one port: all conflicted, no winner', [listener('a', 80, 'HTTP', 'a.com'), listener('b', 80, 'HTTP', 'a.com'), listener('c', 80, 'HTTP', 'c.com')], { a: 'HostnameConflict', b: 'HostnameConflict', c: '-' }],
    ['no hostname twice', [listener('a', 80, 'HTTP'), listener('b', 80, 'HTTP')], { a: 'HostnameConflict', b: 'HostnameConflict' }],
    ['same hostname on different ports', [listener('a', 80, 'HTTP', 'a.com'), listener('b', 81, 'HTTP', 'a.com')], { a: '-', b: '-' }],
    ['HTTP and HTTPS on one port', [listener('a', 80, 'HTTP', 'a.com'), listener('b', 80, 'HTTPS', 'b.com')], { a: 'ProtocolConflict', b: 'ProtocolConflict' }],
    ['HTTPS and TLS share a TLS front', [listener('a', 443, 'HTTPS', 'a.com'), listener('b', 443, 'TLS', 'b.com')], { a: '-', b: '-' }],
    ['HTTPS and TLS with the same hostname', [listener('a', 443, 'HTTPS', 'a.com'), listener('b', 443, 'TLS', 'a.com')], { a: 'HostnameConflict', b: 'HostnameConflict' }],
    ['TCP with HTTP on one port: every listener on the port', [listener('a', 80, 'HTTP', 'a.com'), listener('b', 80, 'HTTP', 'b.com'), listener('t', 80, 'TCP')], { a: 'ProtocolConflict', b: 'ProtocolConflict', t: 'ProtocolConflict' }],
    ['two TCP listeners on one port', [listener('t1', 9000, 'TCP'), listener('t2', 9000, 'TCP')], { t1: 'ProtocolConflict', t2: 'ProtocolConflict' }],
    ['UDP shares a port number with TCP-based listeners', [listener('h', 53, 'HTTP'), listener('u', 53, 'UDP')], { h: '-', u: '-' }],
    ['two UDP listeners on one port', [listener('u1', 53, 'UDP'), listener('u2', 53, 'UDP')], { u1: 'ProtocolConflict', u2: 'ProtocolConflict' }],
    ['an unserved protocol conflicts with nothing', [listener('a', 80, 'HTTP'), listener('t', 80, 'TCP', undefined, false)], { a: '-', t: '-' }],
  ];
  for (const [name, listeners, expected] of table) assert.deepEqual(conflicts(listeners), expected, name);
});

function precedence(earlier: ListenerContext[], later: ListenerContext[]): Record<string, string> {
  markConflicts(earlier);
  markConflicts(later);
  const claimed = new ClaimedPorts();
  claimed.claim(earlier);
  claimed.markLosers(later);
  return Object.fromEntries([...earlier, ...later].map((l) => [l.name, l.conflict?.reason ?? '-']));
}

test('ListenerSet listeners lose to listeners higher in precedence (GEP-1713), which keep serving', () => {
  const table: [string, ListenerContext[], ListenerContext[], Record<string, string>][] = [
    ['same hostname as an earlier listener', [listener('g', 80, 'HTTP', 'a.com')], [listener('s', 80, 'HTTP', 'a.com'), listener('t', 80, 'HTTP', 'b.com')], { g: '-', s: 'HostnameConflict', t: '-' }],
    ['TCP on an earlier HTTP port', [listener('g', 80, 'HTTP', 'a.com')], [listener('s', 80, 'TCP')], { g: '-', s: 'ProtocolConflict' }],
    ['HTTP on an earlier TCP port', [listener('g', 80, 'TCP')], [listener('s', 80, 'HTTP', 'a.com')], { g: '-', s: 'ProtocolConflict' }],
    ['a second TCP listener on a port', [listener('g', 9000, 'TCP')], [listener('s', 9000, 'TCP')], { g: '-', s: 'ProtocolConflict' }],
    ['UDP beside an earlier HTTP port', [listener('g', 53, 'HTTP')], [listener('s', 53, 'UDP')], { g: '-', s: '-' }],
    ['HTTPS beside an earlier TLS listener', [listener('g', 443, 'TLS', 'a.com')], [listener('s', 443, 'HTTPS', 'b.com')], { g: '-', s: '-' }],
    ['an earlier conflicted listener still takes precedence', [listener('g1', 80, 'HTTP', 'a.com'), listener('g2', 80, 'HTTP', 'a.com')], [listener('s', 80, 'HTTP', 'a.com')], { g1: 'HostnameConflict', g2: 'HostnameConflict', s: 'HostnameConflict' }],
    ['an earlier unserved listener takes no port', [listener('g', 80, 'TCP', undefined, false)], [listener('s', 80, 'HTTP')], { g: '-', s: '-' }],
  ];
  for (const [name, earlier, later, expected] of table) assert.deepEqual(precedence(earlier, later), expected, name);
});
