// Test helpers for the data plane: IR builders, backends on loopback, a data
// plane on free ports, and clients that speak raw bytes or plain HTTP.
import { once } from 'node:events';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { IR, IRBackend, IRHttpMatch, IRHttpRule, IRPathMatch, IRStringMatch } from '../../src/ir/types.ts';
import { DataPlane } from '../../src/dataplane/runtime.ts';
import type { DataPlaneOptions } from '../../src/dataplane/runtime.ts';
import { silentLogger } from '../../src/telemetry/log.ts';

// ------------------------------------------------------------------ IR

export interface RouteSpec {
  /** Virtual host pattern; default "*". */
  hostname?: string;
  path?: IRPathMatch;
  method?: string;
  headers?: IRStringMatch[];
  queryParams?: IRStringMatch[];
  rule: Partial<IRHttpRule>;
}

export function rule(name: string, overrides: Partial<IRHttpRule> = {}): Partial<IRHttpRule> {
  return { name: `httproute/default/${name}/rule/0`, ...overrides };
}

export function to(backend: string, weight = 1, extra: Partial<IRHttpRule['backends'][number]> = {}): IRHttpRule['backends'][number] {
  return { weight, backend, ...extra };
}

export function backend(name: string, ports: number[], extra: Partial<IRBackend> = {}): IRBackend {
  return { name, protocol: 'http1', endpoints: ports.map((port) => ({ address: '127.0.0.1', port })), ...extra };
}

/** One gateway with one HTTP port; each route spec becomes one rule (in order) and one match. */
export function buildIR(port: number, routes: RouteSpec[], backends: IRBackend[], gatewayName = 'gw'): IR {
  const rules: IRHttpRule[] = [];
  const hosts = new Map<string, IRHttpMatch[]>();
  routes.forEach((spec, index) => {
    const name = spec.rule.name ?? `httproute/default/r${index}/rule/0`;
    rules.push({
      route: { kind: 'HTTPRoute', namespace: 'default', name: name.split('/')[2] ?? 'r' },
      mirrors: [],
      backends: [],
      ...spec.rule,
      name,
    });
    const hostname = spec.hostname ?? '*';
    const matches = hosts.get(hostname) ?? [];
    hosts.set(hostname, matches);
    matches.push({
      path: spec.path ?? { type: 'PathPrefix', value: '/' },
      method: spec.method,
      headers: spec.headers ?? [],
      queryParams: spec.queryParams ?? [],
      rule: index,
    });
  });
  return {
    gateways: [{
      name: `gateway/default/${gatewayName}`,
      namespace: 'default',
      gatewayName,
      backends: Object.fromEntries(backends.map((b) => [b.name, b])),
      ports: [{
        kind: 'http',
        name: `gateway/default/${gatewayName}/port/${port}`,
        port,
        virtualHosts: [...hosts].map(([hostname, matches]) => ({ hostname, listener: `gateway/default/${gatewayName}/listener/http`, matches })),
        rules,
      }],
    }],
  };
}

// ------------------------------------------------------------------ sockets

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface TestBackend {
  port: number;
  server: Server;
  /** Requests seen, in order. */
  seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; rawHeaders: string[]; body: Buffer }>;
  close(): Promise<void>;
}

/** A node:http backend; the handler gets the request after its body has been read (unless `streaming`). */
export async function startBackend(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => res.end('ok'),
  options: { streaming?: boolean; host?: string } = {},
): Promise<TestBackend> {
  const seen: TestBackend['seen'] = [];
  const server = createHttpServer((req, res) => {
    if (options.streaming === true) {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.alloc(0) });
      handler(req, res, Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    server,
    seen,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface RunningDataPlane {
  dataPlane: DataPlane;
  port: number;
  close(): Promise<void>;
}

/** A data plane serving `build(port)` on a free loopback port. */
export async function startDataPlane(build: (port: number) => IR, options: Partial<DataPlaneOptions> = {}): Promise<RunningDataPlane> {
  const dataPlane = new DataPlane({ bindAddress: '127.0.0.1', logger: silentLogger(), ...options });
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      await dataPlane.apply(build(port));
      return { dataPlane, port, close: () => dataPlane.close({ drainTimeoutMs: 1000 }) };
    } catch (error) {
      if (attempt >= 3) throw error; // the free port was taken in between: try another
    }
  }
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/** One request on a fresh connection through node:http (any Host). */
export function get(port: number, path: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer; host?: string } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: false,
      headers: { host: options.host ?? 'example.com', ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request ${path} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw client: send bytes, read what comes back until the server closes (or `timeoutMs`). */
export async function rawExchange(port: number, data: string | Buffer | Array<string | Buffer>, options: { timeoutMs?: number; endAfterWrite?: boolean } = {}): Promise<{ text: string; closed: boolean }> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
  if (options.endAfterWrite === true) socket.end();
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), options.timeoutMs ?? 2000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return { text: Buffer.concat(chunks).toString('latin1'), closed };
}

/** Opens a raw connection that the test drives itself. */
export async function rawSocket(port: number): Promise<Socket & { received(): string; waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  let text = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const waiter of waiters.splice(0)) waiter();
  });
  socket.on('close', () => {
    for (const waiter of waiters.splice(0)) waiter();
  });
  socket.on('error', () => {});
  return Object.assign(socket, {
    received: () => text,
    async waitFor(pattern: RegExp | string, timeoutMs = 3000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      const matches = (): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      while (!matches()) {
        if (socket.destroyed && socket.readableEnded) throw new Error(`closed before ${String(pattern)}; got: ${JSON.stringify(text)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}; got: ${JSON.stringify(text)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (socket.destroyed && !matches()) throw new Error(`closed before ${String(pattern)}; got: ${JSON.stringify(text)}`);
      }
      return text;
    },
  });
}

/** Resolves once the socket has closed (at once if it already has). */
export async function closed(socket: Socket): Promise<void> {
  if (socket.closed) return;
  await once(socket, 'close');
}

/** Counts HTTP responses (status lines) in raw text. */
export function statusLines(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}
