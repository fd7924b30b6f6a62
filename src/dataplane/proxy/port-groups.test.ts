import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IR, IRGateway, IRPort, IRStreamRoute } from '../../ir/types.ts';
import { groupPorts } from './port-groups.ts';

const route: IRStreamRoute = { name: 'tcproute/default/r/rule/0', route: { kind: 'TCPRoute', namespace: 'default', name: 'r' }, backends: [] };

function http(gateway: string, port: number, tls = false): IRPort {
  return {
    kind: 'http', name: `gateway/default/${gateway}/port/${port}`, port, virtualHosts: [], rules: [],
    ...(tls ? { tls: { servers: [], minVersion: 'TLSv1.2' as const } } : {}),
  };
}

function stream(kind: 'tcp' | 'udp', gateway: string, port: number): IRPort {
  return { kind, name: `gateway/default/${gateway}/port/${port}`, port, listener: `gateway/default/${gateway}/listener/l`, route };
}

function ir(...gateways: Array<[string, IRPort[]]>): IR {
  return { gateways: gateways.map(([name, ports]): IRGateway => ({ name: `gateway/default/${name}`, namespace: 'default', gatewayName: name, ports, backends: {} })) };
}

test('ports of several gateways on one number: same kinds merge, the first port decides the kind, TCP and UDP never meet', () => {
  const groups = groupPorts(ir(
    ['a', [http('a', 80), http('a', 443, true), stream('tcp', 'a', 9000), stream('udp', 'a', 9000)]],
    ['b', [http('b', 80), http('b', 443), stream('tcp', 'b', 9000), stream('udp', 'b', 9000), http('b', 9001, true)]],
  ));
  assert.deepEqual([...groups.http].map(([port, group]) => [port, group.kind, group.entries.map((entry) => entry.gateway.gatewayName)]), [
    [80, 'http', ['a', 'b']],
    [443, 'tls', ['a']],
    [9001, 'tls', ['b']],
  ]);
  assert.equal(groups.tcp.get(9000)?.gateway.gatewayName, 'a');
  assert.equal(groups.udp.get(9000)?.gateway.gatewayName, 'a');
  assert.deepEqual(groups.shadowed, [
    { name: 'gateway/default/b/port/443', port: 443, kind: 'http', servedAs: 'tls' },
    { name: 'gateway/default/b/port/9000', port: 9000, kind: 'tcp', servedAs: 'tcp' },
    { name: 'gateway/default/b/port/9000', port: 9000, kind: 'udp', servedAs: 'udp' },
  ]);
});
