// The data plane: serves the IR on real sockets, one per (transport, port):
// TCP sockets for HTTP, HTTPS/TLS and TCP ports, UDP sockets for UDP ports.
// `apply` is atomic: new sockets are bound first (any failure undoes them and
// changes nothing), then every port's configuration is swapped in one
// synchronous step, then sockets no longer used are drained. Ports that stay
// keep their sockets and connections; a port whose kind changes (HTTP →
// HTTPS) keeps its socket too, and only its service changes (listener.ts).
// Upstream pools are keyed by endpoint, so warm backend connections survive
// reloads too.
import type { IR, IRBackend, IRTcpPort } from '../ir/types.ts';
import type { Logger } from '../telemetry/log.ts';
import type { Http2Engine } from './connection-info.ts';
import { Clock, sweepIntervalFor } from './http1/clock.ts';
import { resolveLimits } from './http1/limits.ts';
import type { HttpLimits } from './http1/limits.ts';
import { UdpProxy } from './l4/udp.ts';
import { TcpPortListener } from './listener.ts';
import { HttpPortService, TcpProxyService, TlsPortService } from './ports/services.ts';
import type { PortDeps, PortStats } from './ports/services.ts';
import { compileConfig } from './proxy/config.ts';
import type { CompiledConfig, PortConfig } from './proxy/config.ts';
import { CompileCache } from './proxy/config-cache.ts';
import type { RequestLogInfo } from './proxy/handler.ts';
import { DnsCache } from './upstream/dns.ts';
import { PoolRegistry } from './upstream/registry.ts';
import { TicketSecret } from './tls/ticket-secret.ts';

export type { Http2Engine, HttpPortContext, ConnectionInfo } from './connection-info.ts';
export type { HttpLimits } from './http1/limits.ts';
export type { PortStats } from './ports/services.ts';
export type { RequestLogInfo } from './proxy/handler.ts';
export { BindError } from './listener.ts';

export interface DataPlaneOptions {
  /** Address the listener ports bind to; '0.0.0.0' by default. */
  bindAddress: string;
  logger: Logger;
  limits?: Partial<HttpLimits>;
  /** SO_REUSEPORT, so several worker processes can share the ports (TCP and UDP alike). */
  reusePort?: boolean;
  /** Called once per finished request (access logs, metrics). */
  onRequestComplete?: (info: RequestLogInfo) => void;
  /** How long a removed port's connections may take to finish their requests (default 30 s). */
  drainTimeoutMs?: number;
  /** The HTTP/2 engine: offered ALPN h2 on TLS ports and the h2c preface on plain ones. Absent: HTTP/1.1 only. */
  http2?: Http2Engine;
  /** The secret TLS session ticket keys derive from (workers sharing ports share it); default random per process. Replace it with setTicketSecret. */
  ticketSecret?: Buffer;
}

export interface ApplyResult {
  /** Ports bound by this apply (a TCP and a UDP port of one number appear once each). */
  added: number[];
  /** Ports released by this apply. */
  removed: number[];
  /** Ports that kept their sockets and now serve the new configuration. */
  kept: number[];
  /** Of the kept ports, those whose kind changed (e.g. HTTP → HTTPS): new connections get the new kind, open ones drain. */
  changed: number[];
}

/** One TCP port's plan for an apply: its kind and what its service is built from. */
type TcpPlan =
  | { kind: 'http' | 'tls'; config: PortConfig }
  | { kind: 'tcp'; port: IRTcpPort; backends: Readonly<Record<string, IRBackend>> };

type TcpService = HttpPortService | TlsPortService | TcpProxyService;

interface TcpPortEntry {
  listener: TcpPortListener;
  service: TcpService;
}

const DEFAULT_DRAIN_MS = 30_000;

export class DataPlane {
  readonly #options: DataPlaneOptions;
  readonly #limits: HttpLimits;
  readonly #clock: Clock;
  readonly #registry: PoolRegistry;
  readonly #dns = new DnsCache();
  readonly #deps: PortDeps;
  readonly #tcp = new Map<number, TcpPortEntry>();
  readonly #udp = new Map<number, UdpProxy>();
  readonly #draining = new Set<Promise<void>>();
  readonly #compiled = new CompileCache();
  readonly #ticketSecret: TicketSecret;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: DataPlaneOptions) {
    this.#options = options;
    this.#limits = resolveLimits(options.limits);
    const limits = this.#limits;
    this.#clock = new Clock(sweepIntervalFor([limits.headerTimeoutMs, limits.idleTimeoutMs, limits.bodyIdleTimeoutMs, limits.upstreamIdleTimeoutMs]));
    this.#registry = new PoolRegistry({
      connectTimeoutMs: limits.connectTimeoutMs,
      idleTimeoutMs: limits.upstreamIdleTimeoutMs,
      maxIdle: limits.maxIdlePerEndpoint,
      maxHeaderBytes: limits.maxHeaderBytes,
      onTlsFailure: (endpoint, reason) => options.logger.warn({ endpoint }, reason),
    }, this.#clock);
    this.#clock.add(this.#registry);
    this.#ticketSecret = new TicketSecret(options.ticketSecret);
    this.#deps = {
      limits,
      clock: this.#clock,
      logger: options.logger,
      onRequestComplete: options.onRequestComplete,
      http2: options.http2,
      stream: { logger: options.logger, clock: this.#clock, resolver: this.#dns, connectTimeoutMs: limits.connectTimeoutMs },
      ticketSecret: this.#ticketSecret,
    };
  }

  /** TLS session tickets are issued under keys from `secret` from the next handshake on (rotation; see tls/ticket-secret.ts). */
  setTicketSecret(secret: Buffer): void {
    this.#ticketSecret.replace(secret);
  }

  /** Serves `ir` from now on. Calls are applied one after another, in call order. */
  apply(ir: IR): Promise<ApplyResult> {
    const result = this.#queue.then(() => this.#apply(ir));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  listening(): { port: number; address: string; transport: 'tcp' | 'udp' }[] {
    const out: { port: number; address: string; transport: 'tcp' | 'udp' }[] = [];
    for (const { listener } of this.#tcp.values()) out.push({ ...listener.boundAddress(), transport: 'tcp' });
    for (const [port, proxy] of this.#udp) out.push({ ...(proxy.boundAddress() ?? { port, address: this.#options.bindAddress }), transport: 'udp' });
    return out;
  }

  /** Per listening socket: its kind, open connections (UDP: sessions) and its counters since it was made. */
  stats(): PortStats[] {
    const out: PortStats[] = [];
    for (const [port, { service }] of this.#tcp) out.push(service.stats(port));
    for (const [port, proxy] of this.#udp) out.push({ transport: 'udp', port, kind: 'udp', connections: proxy.sessions, udp: proxy.counters });
    return out;
  }

  /** Open client connections by port kind (UDP: live sessions): a gauge for metrics. */
  activeConnections(): Record<PortStats['kind'], number> {
    const counts = { http: 0, tls: 0, tcp: 0, udp: 0 };
    for (const entry of this.stats()) counts[entry.kind] += entry.connections;
    return counts;
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to
   * the timeout), close idle keep-alive connections, then everything else.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    const timeout = options.drainTimeoutMs ?? this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
    const tcp = [...this.#tcp.values()];
    const udp = [...this.#udp.values()];
    this.#tcp.clear();
    this.#udp.clear();
    await Promise.all([...tcp.map(({ listener }) => listener.drain(timeout)), ...udp.map((proxy) => proxy.close()), ...this.#draining]);
    this.#registry.destroy();
    this.#clock.stop();
  }

  async #apply(ir: IR): Promise<ApplyResult> {
    if (this.#closed) throw new Error('the data plane is closed');
    const compiled = compileConfig(ir, this.#registry, this.#dns, this.#compiled);
    const logger = this.#options.logger;
    const plans = tcpPlans(compiled);

    // Everything that can fail is built before anything changes: services for
    // new ports and for ports changing kind, then the new sockets.
    const fresh = new Map<number, TcpService>();
    for (const [port, plan] of plans) {
      const entry = this.#tcp.get(port);
      if (entry === undefined || entry.service.kind !== plan.kind) fresh.set(port, this.#serviceFor(plan));
    }
    const addedTcp: Array<[number, TcpPortEntry]> = [];
    for (const [port, service] of fresh) {
      if (this.#tcp.has(port)) continue;
      const listener = new TcpPortListener({ port, address: this.#options.bindAddress, reusePort: this.#options.reusePort ?? false, logger }, service);
      addedTcp.push([port, { listener, service }]);
    }
    const addedUdp: Array<[number, UdpProxy]> = [];
    for (const [port, { gateway, port: irPort }] of compiled.groups.udp) {
      if (!this.#udp.has(port)) addedUdp.push([port, new UdpProxy(irPort, gateway.backends, this.#deps.stream)]);
    }
    await this.#bind(addedTcp, addedUdp);

    // The swap: synchronous, so no connection or request sees half of it.
    const kept: number[] = [];
    const changed: number[] = [];
    for (const [port, plan] of plans) {
      const entry = this.#tcp.get(port);
      if (entry === undefined) continue;
      kept.push(port);
      const replacement = fresh.get(port);
      if (replacement === undefined) {
        updateService(entry.service, plan);
        continue;
      }
      changed.push(port);
      const old = entry.service;
      entry.service = replacement;
      entry.listener.service = replacement;
      this.#track(old.drain(this.#drainMs()));
    }
    for (const [port, { gateway, port: irPort }] of compiled.groups.udp) {
      const proxy = this.#udp.get(port);
      if (proxy === undefined) continue;
      proxy.apply(irPort, gateway.backends);
      kept.push(port);
    }
    for (const [port, entry] of addedTcp) this.#tcp.set(port, entry);
    for (const [port, proxy] of addedUdp) this.#udp.set(port, proxy);
    const removed: number[] = [];
    for (const [port, entry] of this.#tcp) {
      if (plans.has(port)) continue;
      this.#tcp.delete(port);
      removed.push(port);
      this.#track(entry.listener.drain(this.#drainMs()));
    }
    for (const [port, proxy] of this.#udp) {
      if (compiled.groups.udp.has(port)) continue;
      this.#udp.delete(port);
      removed.push(port);
      this.#track(proxy.close());
    }
    this.#registry.retain(compiled.endpointKeys);
    this.#dns.retain(withStreamHostnames(compiled));

    const result = { added: [...addedTcp.map(([port]) => port), ...addedUdp.map(([port]) => port)], removed, kept, changed };
    logger.info(result, 'configuration applied');
    for (const { backend, protocol } of compiled.unsupported) {
      logger.warn({ backend, protocol }, 'backend protocol not supported yet by the HTTP/1.1 engine: its requests are answered 503');
    }
    for (const shadowed of compiled.groups.shadowed) {
      logger.warn(shadowed, 'port not served: another port of a different kind (or another TCP/UDP route) holds its socket');
    }
    return result;
  }

  /** Binds the new sockets, all or none. */
  async #bind(tcp: Array<[number, TcpPortEntry]>, udp: Array<[number, UdpProxy]>): Promise<void> {
    const address = this.#options.bindAddress;
    const reusePort = this.#options.reusePort ?? false;
    const binds = [
      ...tcp.map(([, { listener }]) => ({ bind: () => listener.listen(), undo: () => listener.close() })),
      ...udp.map(([, proxy]) => ({ bind: () => proxy.listen(address, { reusePort }), undo: () => proxy.close() })),
    ];
    const bound = await Promise.allSettled(binds.map(({ bind }) => bind()));
    const failure = bound.find((outcome) => outcome.status === 'rejected');
    if (failure === undefined) return;
    await Promise.all(binds.filter((_, i) => bound[i]?.status === 'fulfilled').map(({ undo }) => undo()));
    throw failure.reason;
  }

  #serviceFor(plan: TcpPlan): TcpService {
    switch (plan.kind) {
      case 'http': return new HttpPortService(plan.config, this.#deps);
      case 'tls': return new TlsPortService(plan.config, this.#deps);
      case 'tcp': return new TcpProxyService(plan.port, plan.backends, this.#deps);
    }
  }

  #drainMs(): number {
    return this.#options.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
  }

  #track(drained: Promise<void>): void {
    this.#draining.add(drained);
    void drained.finally(() => this.#draining.delete(drained));
  }
}

function tcpPlans(compiled: CompiledConfig): Map<number, TcpPlan> {
  const plans = new Map<number, TcpPlan>();
  for (const [port, config] of compiled.ports) plans.set(port, { kind: config.tls === undefined ? 'http' : 'tls', config });
  for (const [port, { gateway, port: irPort }] of compiled.groups.tcp) plans.set(port, { kind: 'tcp', port: irPort, backends: gateway.backends });
  return plans;
}

/** A service of the plan's kind takes the plan's configuration. */
function updateService(service: TcpService, plan: TcpPlan): void {
  if (service.kind === 'tcp' && plan.kind === 'tcp') service.update(plan.port, plan.backends);
  else if (service.kind !== 'tcp' && plan.kind !== 'tcp') service.update(plan.config);
}

/** The ExternalName hostnames of HTTP backends plus those stream routes use (the DNS cache keeps only these). */
function withStreamHostnames(compiled: CompiledConfig): Set<string> {
  const hostnames = new Set(compiled.hostnames);
  const add = (route: { backends: Array<{ backend?: string }> } | undefined, backends: Readonly<Record<string, IRBackend>>): void => {
    for (const share of route?.backends ?? []) {
      const name = share.backend === undefined ? undefined : backends[share.backend]?.externalName?.hostname;
      if (name !== undefined) hostnames.add(name);
    }
  };
  for (const { gateway, port } of compiled.groups.tcp.values()) add(port.route, gateway.backends);
  for (const { gateway, port } of compiled.groups.udp.values()) add(port.route, gateway.backends);
  for (const config of compiled.ports.values()) {
    for (const server of config.tls?.port.tls?.servers ?? []) add(server.route, config.tls?.parts.backends ?? {});
  }
  return hostnames;
}
