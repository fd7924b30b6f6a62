// The UDP proxy on real loopback sockets: replies to the right client,
// per-client sessions, weights, idle expiry, the session bound, refusals,
// reload, IPv6.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { after, afterEach, before, describe, test } from 'node:test';
import { UdpProxy } from '../../src/dataplane/l4/udp.ts';
import type { IRBackend, IRUdpPort } from '../../src/ir/types.ts';
import { eventually } from '../support/net.ts';
import { backendOf, backendsOf, cycle, services, startUdpBackend, streamRoute, udpPort } from './helpers.ts';
import type { UdpBackend } from './helpers.ts';

/** A UDP client socket that collects replies. */
interface UdpClient {
  socket: Socket;
  replies: string[];
  /** Sends `text` and waits for the next reply (retrying a few times: UDP may drop). */
  ask(text: string): Promise<string>;
  close(): void;
}

async function udpClient(port: number, host = '127.0.0.1'): Promise<UdpClient> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const replies: string[] = [];
  const waiters: Array<(reply: string) => void> = [];
  socket.on('message', (message) => {
    replies.push(message.toString());
    waiters.shift()?.(message.toString());
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return {
    socket,
    replies,
    ask(text) {
      return new Promise((resolve, reject) => {
        let tries = 0;
        const send = (): void => {
          if (++tries > 20) {
            reject(new Error(`no reply to ${text}`));
            return;
          }
          socket.send(text, port, host);
          timer = setTimeout(send, 100);
        };
        let timer: NodeJS.Timeout | undefined;
        waiters.push((reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        send();
      });
    },
    close: () => socket.close(),
  };
}

function hasIPv6Loopback(): boolean {
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.address === '::1'));
}

describe('UDP proxy', () => {
  let alpha: UdpBackend;
  let beta: UdpBackend;
  const proxies: UdpProxy[] = [];
  const clients: UdpClient[] = [];

  before(async () => {
    alpha = await startUdpBackend('alpha');
    beta = await startUdpBackend('beta');
  });
  after(async () => {
    await alpha.close();
    await beta.close();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const proxy of proxies.splice(0)) await proxy.close();
  });

  async function start(port: IRUdpPort, backends: Record<string, IRBackend>, options: { extra?: Parameters<typeof services>[0]; maxSessions?: number; address?: string } = {}): Promise<{ proxy: UdpProxy; port: number }> {
    const proxy = new UdpProxy(port, backends, services(options.extra), { maxSessions: options.maxSessions });
    proxies.push(proxy);
    await proxy.listen(options.address ?? '127.0.0.1');
    const bound = proxy.boundAddress();
    assert.ok(bound);
    return { proxy, port: bound.port };
  }

  async function client(port: number, host?: string): Promise<UdpClient> {
    const made = await udpClient(port, host);
    clients.push(made);
    return made;
  }

  const toAlpha = (extra: Partial<IRUdpPort> = {}): [IRUdpPort, Record<string, IRBackend>] => [
    udpPort(streamRoute('UDPRoute', { weight: 1, backend: 'alpha' }), extra),
    backendsOf(backendOf('alpha', alpha.port)),
  ];

  test('each client gets its own replies, through one session per client address and port', async () => {
    const { proxy, port } = await start(...toAlpha());
    const first = await client(port);
    const second = await client(port);
    assert.equal(await first.ask('one'), 'alpha:one');
    assert.equal(await second.ask('two'), 'alpha:two');
    assert.equal(await first.ask('three'), 'alpha:three');
    assert.deepEqual(first.replies, ['alpha:one', 'alpha:three']);
    assert.deepEqual(second.replies, ['alpha:two']);
    assert.equal(proxy.sessions, 2);
    assert.equal(proxy.counters.sessionsCreated, 2);
  });

  test('a session keeps its backend; new clients are split by weight', async () => {
    const route = streamRoute('UDPRoute', { weight: 1, backend: 'alpha' }, { weight: 1, backend: 'beta' }, { weight: 0, backend: 'alpha' });
    const { port } = await start(udpPort(route), backendsOf(backendOf('alpha', alpha.port), backendOf('beta', beta.port)), { extra: { random: cycle(0.25, 0.75) } });
    const first = await client(port);
    const second = await client(port);
    assert.equal(await first.ask('a'), 'alpha:a');
    assert.equal(await second.ask('b'), 'beta:b');
    for (let i = 0; i < 3; i++) assert.equal(await first.ask(`again${i}`), `alpha:again${i}`);
  });

  test('idle sessions expire; the client’s next datagram starts a new one', async () => {
    const { proxy, port } = await start(...toAlpha({ sessionIdleMs: 100 }));
    const lone = await client(port);
    assert.equal(await lone.ask('x'), 'alpha:x');
    await eventually(() => assert.equal(proxy.sessions, 0));
    assert.equal(proxy.counters.sessionsExpired, 1);
    assert.equal(await lone.ask('y'), 'alpha:y');
    assert.equal(proxy.counters.sessionsCreated, 2);
  });

  test('at the session bound, new sources are dropped and counted while established clients keep working', async () => {
    const { proxy, port } = await start(...toAlpha({ sessionIdleMs: 300 }), { maxSessions: 2 });
    const established = [await client(port), await client(port)];
    for (const [i, made] of established.entries()) assert.equal(await made.ask(`hi${i}`), `alpha:hi${i}`);
    const latecomer = await client(port);
    latecomer.socket.send('let me in', port, '127.0.0.1');
    await eventually(() => assert.equal(proxy.counters.droppedNewSources, 1));
    assert.equal(await established[0]?.ask('still'), 'alpha:still');
    assert.deepEqual(latecomer.replies, []);
    assert.equal(proxy.sessions, 2);
    // Once the others idle out, the newcomer gets a session.
    await eventually(() => assert.equal(proxy.sessions, 0), { timeoutMs: 5000 });
    assert.equal(await latecomer.ask('now'), 'alpha:now');
  });

  test('a route without a valid backend drops datagrams and counts them', async () => {
    const { proxy, port } = await start(udpPort(streamRoute('UDPRoute', { weight: 1, status: 500 })), {});
    const lone = await client(port);
    lone.socket.send('nowhere', port, '127.0.0.1');
    await eventually(() => assert.equal(proxy.counters.droppedNoDestination, 1));
    assert.equal(proxy.sessions, 0);
    assert.deepEqual(lone.replies, []);
  });

  test('apply(): sessions whose endpoint left the route end, and their next datagram follows the new route', async () => {
    const [port, backends] = toAlpha();
    const { proxy, port: listening } = await start(port, backends);
    const lone = await client(listening);
    assert.equal(await lone.ask('before'), 'alpha:before');
    // Unchanged route: the session stays.
    proxy.apply(port, backends);
    assert.equal(proxy.sessions, 1);
    proxy.apply(udpPort(streamRoute('UDPRoute', { weight: 1, backend: 'beta' })), backendsOf(backendOf('beta', beta.port)));
    assert.equal(proxy.sessions, 0);
    assert.equal(await lone.ask('after'), 'beta:after');
  });

  test('IPv6 clients and backends', { skip: hasIPv6Loopback() ? false : 'no IPv6 loopback (::1) on this machine' }, async () => {
    const gamma = await startUdpBackend('gamma', '::1');
    try {
      const { port } = await start(udpPort(streamRoute('UDPRoute', { weight: 1, backend: 'gamma' })), backendsOf({ name: 'gamma', protocol: 'http1', endpoints: [{ address: '::1', port: gamma.port }] }), { address: '::1' });
      const six = await client(port, '::1');
      assert.equal(await six.ask('v6'), 'gamma:v6');
    } finally {
      await gamma.close();
    }
  });
});
