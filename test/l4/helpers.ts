// Backends and IR builders for the layer-4 tests: a TCP backend that greets,
// echoes and answers a half-close, a UDP backend that names itself in every
// reply, and small functions that write the IR a port needs.
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { IRBackend, IRStreamRoute, IRTcpPort, IRUdpPort, IRWeightedBackend } from '../../src/ir/types.ts';
import { Clock } from '../../src/dataplane/http1/clock.ts';
import { silentLogger } from '../../src/telemetry/log.ts';
import type { StreamServices } from '../../src/dataplane/l4/tcp.ts';
import { StreamListener } from '../../src/dataplane/l4/stream-listener.ts';

/**
 * A TCP backend. On connect it writes "hello from <name>\n" (a server that
 * speaks first); it echoes every byte back; when the client half-closes it
 * writes "bye after <n> bytes\n" and closes its side.
 */
export interface TcpBackend {
  name: string;
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  /** Sockets open now, for tests that act on the backend side. */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startTcpBackend(name: string, options: { echo?: boolean; greet?: boolean; host?: string } = {}): Promise<TcpBackend> {
  const sockets = new Set<Socket>();
  const backend: TcpBackend = { name, port: 0, accepted: 0, sockets, close: () => Promise.resolve() };
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    backend.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.greet ?? true) socket.write(`hello from ${name}\n`);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (options.echo ?? true) socket.write(chunk);
    });
    socket.on('end', () => socket.end(`bye after ${received} bytes\n`));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  backend.port = (server.address() as AddressInfo).port;
  backend.close = () => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return backend;
}

/** A UDP backend answering each datagram with "<name>:<datagram>". */
export interface UdpBackend {
  name: string;
  port: number;
  /** Distinct source ports seen (one per proxy session). */
  sources: Set<number>;
  close(): Promise<void>;
}

export async function startUdpBackend(name: string, host = '127.0.0.1'): Promise<UdpBackend> {
  const socket: DgramSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const sources = new Set<number>();
  socket.on('message', (message, remote) => {
    sources.add(remote.port);
    socket.send(`${name}:${message.toString()}`, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { name, port: socket.address().port, sources, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** Connects to a port and collects what arrives. */
export interface TestClient {
  socket: Socket;
  /** Everything received so far, as text. */
  text(): string;
  /** Resolves once `predicate(text)` holds (checked on every chunk). */
  until(predicate: (text: string) => boolean): Promise<string>;
  /** Resolves when the server half-closes (FIN received). */
  ended: Promise<void>;
  /** Resolves with the error code, if any, once the socket is closed. */
  closed: Promise<string | undefined>;
  /**
   * Resolves when the proxy is done with this client: its FIN arrived
   * (undefined; the client, half-open, does not close by itself) or the
   * socket closed (the error code, if any).
   */
  gone: Promise<string | undefined>;
}

export function tcpClient(port: number, host = '127.0.0.1'): Promise<TestClient> {
  const socket = connect({ port, host, allowHalfOpen: true });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(wrapClient(socket));
    });
  });
}

export function wrapClient(socket: Socket): TestClient {
  let received = '';
  const waiters: Array<() => void> = [];
  let errorCode: string | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => {
    errorCode = error.code ?? error.message;
  });
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    for (const waiter of waiters.splice(0)) waiter();
  });
  const closed = new Promise<string | undefined>((resolve) => socket.once('close', () => {
    for (const waiter of waiters.splice(0)) waiter();
    resolve(errorCode);
  }));
  const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
  return {
    socket,
    text: () => received,
    until(predicate) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (predicate(received)) resolve(received);
          else if (socket.destroyed) reject(new Error(`closed before the expected text arrived; got ${JSON.stringify(received)}`));
          else waiters.push(check);
        };
        check();
      });
    },
    ended,
    closed,
    gone: Promise.race([ended.then(() => undefined), closed]),
  };
}

export function backendOf(name: string, ...ports: number[]): IRBackend {
  return { name, protocol: 'http1', endpoints: ports.map((port) => ({ address: '127.0.0.1', port })) };
}

export function backendsOf(...backends: IRBackend[]): Record<string, IRBackend> {
  return Object.fromEntries(backends.map((backend) => [backend.name, backend]));
}

export function streamRoute(kind: IRStreamRoute['route']['kind'], ...shares: IRWeightedBackend[]): IRStreamRoute {
  return { name: `${kind.toLowerCase()}/default/test/rule/0`, route: { kind, namespace: 'default', name: 'test' }, backends: shares };
}

export function tcpPort(route: IRStreamRoute, extra: Partial<IRTcpPort> = {}): IRTcpPort {
  return { kind: 'tcp', name: 'gateway/default/gw/port/0', port: 0, listener: 'gateway/default/gw/listener/tcp', route, ...extra };
}

export function udpPort(route: IRStreamRoute, extra: Partial<IRUdpPort> = {}): IRUdpPort {
  return { kind: 'udp', name: 'gateway/default/gw/port/0', port: 0, listener: 'gateway/default/gw/listener/udp', route, ...extra };
}

/** Services with a fast sweep (20 ms) so idle deadlines show within a test. */
export function services(extra: Partial<StreamServices> = {}): StreamServices & { clock: Clock } {
  return { logger: silentLogger(), clock: new Clock(20), ...extra };
}

/** A random source that replays `values` in turn (deterministic weighted picks). */
export function cycle(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length] as number;
}

/** A TCP proxy or TLS front door: takes accepted sockets, and drains. */
export interface StreamPortOwner {
  accept(socket: Socket): void;
  close(drainMs: number): Promise<void>;
}

export interface ServedPort {
  port: number;
  /** Stops accepting at once, as the data plane does when a port goes, then drains the owner for up to `drainMs`. */
  close(drainMs: number): Promise<void>;
}

/** Serves `owner` on a loopback port the way the data plane does: a StreamListener hands it every accepted socket. */
export async function serveOnLoopback(owner: StreamPortOwner): Promise<ServedPort> {
  const listener = new StreamListener({ port: 0, address: '127.0.0.1', logger: silentLogger() }, (socket) => owner.accept(socket));
  await listener.listen();
  return {
    port: listener.boundAddress().port,
    async close(drainMs) {
      listener.stopAccepting();
      await owner.close(drainMs);
    },
  };
}
