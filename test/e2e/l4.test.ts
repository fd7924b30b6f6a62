// TCP and UDP listeners end to end, from YAML: a Gateway with a TCP and a UDP
// listener on the same port number, a TCPRoute and a UDPRoute to Services
// whose EndpointSlices point at loopback backends, and a route edit applied
// while a TCP connection stays open on the backend it started with.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { startTcpBackend, startUdpBackend, tcpClient } from '../l4/helpers.ts';
import type { TcpBackend, UdpBackend } from '../l4/helpers.ts';
import { startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import type { Manifest } from '../support/manifests.ts';
import { eventually, freePort } from '../support/net.ts';

/** A Service with one port of `protocol`, and its EndpointSlice to 127.0.0.1:`endpointPort`. */
function service(name: string, protocol: 'TCP' | 'UDP', endpointPort: number): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'main', port: 7000, protocol }] } },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4', ports: [{ name: 'main', port: endpointPort, protocol }], endpoints: [{ addresses: ['127.0.0.1'] }],
    },
  ];
}

function route(kind: 'TCPRoute' | 'UDPRoute', sectionName: string, backend: string): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: `${sectionName}-route`, namespace: 'default' },
    spec: { parentRefs: [{ name: 'gw', sectionName }], rules: [{ backendRefs: [{ name: backend, port: 7000 }] }] },
  };
}

describe('TCP and UDP listeners from YAML', () => {
  let tcpA: TcpBackend;
  let tcpB: TcpBackend;
  let udp: UdpBackend;
  let harness: Harness;
  let l4Port: number;

  before(async () => {
    tcpA = await startTcpBackend('a');
    tcpB = await startTcpBackend('b');
    udp = await startUdpBackend('udp');
    l4Port = await freePort();
    harness = await startHarness({
      backends: [],
      gateways: (port) => [{
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' },
        spec: {
          gatewayClassName: 'portico',
          listeners: [
            { name: 'http', port, protocol: 'HTTP' },
            { name: 'tcp', port: l4Port, protocol: 'TCP' },
            { name: 'udp', port: l4Port, protocol: 'UDP' },
          ],
        },
      }],
      extra: [...service('tcp-a', 'TCP', tcpA.port), ...service('tcp-b', 'TCP', tcpB.port), ...service('udp-echo', 'UDP', udp.port)],
      routes: [route('TCPRoute', 'tcp', 'tcp-a'), route('UDPRoute', 'udp', 'udp-echo')],
    });
  });
  after(async () => {
    await harness.close();
    await Promise.all([tcpA.close(), tcpB.close(), udp.close()]);
  });

  it('relays UDP datagrams to the UDPRoute\'s backend and the replies back', async () => {
    const client = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    try {
      const reply = await eventually(() => new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no UDP reply')), 300);
        client.once('message', (message) => {
          clearTimeout(timer);
          resolve(message.toString());
        });
        client.send('ping', l4Port, '127.0.0.1');
      }), { timeoutMs: 5000 });
      assert.equal(reply, 'udp:ping');
    } finally {
      client.close();
    }
  });

  it('relays TCP to the TCPRoute\'s backend; a route edit sends new connections elsewhere and leaves the open one be', async () => {
    const live = await eventually(async () => {
      const client = await tcpClient(l4Port);
      await client.until((text) => text.includes('hello from a'));
      return client;
    });
    await harness.setRoutes(route('TCPRoute', 'tcp', 'tcp-b'), route('UDPRoute', 'udp', 'udp-echo'));
    const fresh = await tcpClient(l4Port);
    await fresh.until((text) => text.includes('hello from b'));
    fresh.socket.destroy();
    live.socket.end('still here');
    await live.until((text) => text.includes('still here') && text.includes('bye after 10 bytes'));
  });
});
