// A backend (an IR cluster) as the proxy uses it: its endpoints' pools and a
// round-robin cursor over them, or, for an ExternalName Service, a DNS name
// resolved (through the cache) when a request needs it.
import type { IRBackend, IRBackendProtocol, IRCertificate } from '../../ir/types.ts';
import type { DnsCache } from './dns.ts';
import type { BackendPool } from './pool.ts';
import type { PoolRegistry } from './registry.ts';
import { upstreamTls } from './tls-dialer.ts';
import type { UpstreamTls } from './tls-dialer.ts';

export type EndpointFailure = 'no_endpoints' | 'dns_failed' | 'unsupported_protocol';

/** Protocols this engine speaks to backends: HTTP/1.1 (WebSocket upgrades included) and HTTP/2 (h2c: prior knowledge in clear text, or ALPN h2 when a BackendTLSPolicy gives TLS). */
export function supportedProtocol(protocol: IRBackendProtocol): boolean {
  return protocol === 'http1' || protocol === 'ws' || protocol === 'h2c';
}

export class Backend {
  readonly name: string;
  readonly protocol: IRBackendProtocol;
  readonly #pools: BackendPool[];
  readonly #external: { hostname: string; port: number } | undefined;
  readonly #registry: PoolRegistry;
  readonly #dns: DnsCache;
  /** BackendTLSPolicy: connections are TLS under these settings. */
  readonly #tls: UpstreamTls | undefined;
  #next = 0;

  /** `certificates`: the gateway's table, where IRBackend.tls names its client certificate. */
  constructor(ir: IRBackend, registry: PoolRegistry, dns: DnsCache, certificates?: Readonly<Record<string, IRCertificate>>) {
    this.name = ir.name;
    this.protocol = wireProtocol(ir);
    this.#registry = registry;
    this.#dns = dns;
    this.#external = ir.externalName;
    this.#tls = ir.tls === undefined ? undefined : upstreamTls(ir.tls, certificates);
    this.#pools = !this.unsupported
      ? ir.endpoints.map((endpoint) => registry.pool(endpoint.address, endpoint.port, poolProtocol(this.protocol), false, this.#tls))
      : [];
  }

  /** This engine cannot speak the backend's protocol (its requests answer 503). */
  get unsupported(): boolean {
    return !supportedProtocol(this.protocol);
  }

  /** The pools this backend may use now (for reload bookkeeping). */
  get pools(): readonly BackendPool[] {
    return this.#pools;
  }

  get externalHostname(): string | undefined {
    return this.#external?.hostname;
  }

  /**
   * The next endpoint's pool, round robin, or why there is none. An
   * ExternalName backend needs a DNS answer first: then undefined, and
   * resolve() gives the pool.
   */
  pick(): BackendPool | EndpointFailure | undefined {
    if (this.unsupported) return 'unsupported_protocol';
    if (this.#external !== undefined) return undefined;
    const count = this.#pools.length;
    if (count === 0) return 'no_endpoints';
    const pool = this.#pools[this.#next % count] as BackendPool;
    this.#next = (this.#next + 1) % count;
    return pool;
  }

  /** For an ExternalName backend: the next address's pool, once DNS answers (synchronously for a cached answer). */
  resolve(done: (failure: EndpointFailure | undefined, pool: BackendPool | undefined) => void): void {
    const external = this.#external;
    if (external === undefined) throw new Error(`backend ${this.name} has no DNS name to resolve`); // a bug: pick() gave its pool
    this.#dns.resolve(external.hostname, (error, addresses) => {
      if (error !== undefined || addresses.length === 0) {
        done('dns_failed', undefined);
        return;
      }
      const address = addresses[this.#next % addresses.length] as string;
      this.#next = (this.#next + 1) % addresses.length;
      done(undefined, this.#registry.pool(address, external.port, poolProtocol(this.protocol), true, this.#tls));
    });
  }
}

/**
 * What goes over the connection: kubernetes.io/wss (WebSocket over TLS) is
 * WebSocket on a TLS connection when a BackendTLSPolicy gives the TLS (GEP-1911:
 * HTTPRoute to wss is supported "only if there is a corresponding
 * BackendTLSPolicy"); without one it stays unsupported.
 */
function wireProtocol(ir: IRBackend): IRBackendProtocol {
  return ir.protocol === 'wss' && ir.tls !== undefined ? 'ws' : ir.protocol;
}

/** WebSocket and plain HTTP/1.1 backends share connections. */
function poolProtocol(protocol: IRBackendProtocol): string {
  return protocol === 'ws' ? 'http1' : protocol;
}
