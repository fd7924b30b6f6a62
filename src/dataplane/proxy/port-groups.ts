// Which IR ports share one listening socket. A socket is a (transport, port
// number) pair: TCP for HTTP, HTTPS, TLS and TCP ports, UDP for UDP ports, so
// a TCP and a UDP port of the same number never meet. File mode serves every
// Gateway on one address, so ports of several gateways can land on one
// socket:
// - HTTP ports merge (their virtual hosts; the first gateway in IR order wins a hostname);
// - TLS-first HTTP ports (IRHttpPort.tls) merge likewise, SNI servers included;
// - a TCP or UDP port carries one route: the first gateway's.
// One socket serves one kind: the first port in IR order decides it, and
// ports of another kind on that socket are left out (reported, and logged by
// the data plane). translate() never does this within one gateway: listeners
// of incompatible protocols on a port are in conflict there.
import type { IR, IRGateway, IRHttpPort, IRTcpPort, IRUdpPort } from '../../ir/types.ts';

export type TcpSocketKind = 'http' | 'tls' | 'tcp';

export interface HttpGroup {
  kind: 'http' | 'tls';
  entries: Array<{ gateway: IRGateway; port: IRHttpPort }>;
}

export interface PortGroups {
  /** HTTP ports (plain or TLS-first) by port number. */
  http: Map<number, HttpGroup>;
  tcp: Map<number, { gateway: IRGateway; port: IRTcpPort }>;
  udp: Map<number, { gateway: IRGateway; port: IRUdpPort }>;
  /** Ports left out: another port's kind holds their socket. */
  shadowed: Array<{ name: string; port: number; kind: TcpSocketKind | 'udp'; servedAs: TcpSocketKind | 'udp' }>;
}

export function groupPorts(ir: IR): PortGroups {
  const groups: PortGroups = { http: new Map(), tcp: new Map(), udp: new Map(), shadowed: [] };
  const tcpKinds = new Map<number, TcpSocketKind>();
  for (const gateway of ir.gateways) {
    for (const port of gateway.ports) {
      if (port.kind === 'udp') {
        if (groups.udp.has(port.port)) groups.shadowed.push({ name: port.name, port: port.port, kind: 'udp', servedAs: 'udp' });
        else groups.udp.set(port.port, { gateway, port });
        continue;
      }
      const kind: TcpSocketKind = port.kind === 'tcp' ? 'tcp' : port.tls === undefined ? 'http' : 'tls';
      const held = tcpKinds.get(port.port);
      if (held !== undefined && (held !== kind || kind === 'tcp')) {
        groups.shadowed.push({ name: port.name, port: port.port, kind, servedAs: held });
        continue;
      }
      tcpKinds.set(port.port, kind);
      if (port.kind === 'tcp') {
        groups.tcp.set(port.port, { gateway, port });
        continue;
      }
      let group = groups.http.get(port.port);
      if (group === undefined) groups.http.set(port.port, (group = { kind: kind === 'tls' ? 'tls' : 'http', entries: [] }));
      group.entries.push({ gateway, port });
    }
  }
  return groups;
}
