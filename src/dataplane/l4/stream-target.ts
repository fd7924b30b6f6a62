// Where a TCP connection, UDP session or TLS stream goes: one rule of a
// TCPRoute, UDPRoute or TLSRoute (IRStreamRoute). A weighted pick among the
// rule's backends per connection (BackendRef.weight), then the backend's
// endpoints in turn (round robin), or an ExternalName resolved by DNS.
// Terminated TLS streams reach backends with a BackendTLSPolicy over TLS
// again (the policy applies to "TLSRoute with termination"; passthrough
// streams and TCPRoutes are forwarded as they are).
import type { IRBackend, IRCertificate, IREndpoint, IRStreamRoute } from '../../ir/types.ts';
import { compileWeights } from '../filters/weights.ts';
import type { WeightedPicker } from '../filters/weights.ts';
import { upstreamTls } from '../upstream/tls-dialer.ts';
import type { UpstreamTls } from '../upstream/tls-dialer.ts';

/** Name resolution for ExternalName backends; the data plane's DnsCache fits. */
export interface EndpointResolver {
  resolve(hostname: string, callback: (error: string | undefined, addresses: string[]) => void): void;
}

/**
 * Why a connection has nowhere to go:
 * - no_backend: the share picked has no valid backend (invalid backendRef), or
 *   every weight is 0: the connection is refused, as the spec's "a share
 *   without a backend" requires;
 * - no_endpoints: the backend has no ready endpoint;
 * - dns_failed: an ExternalName did not resolve.
 */
export type PickFailure = 'no_backend' | 'no_endpoints' | 'dns_failed';

export interface Destination {
  /** The backend's name in the gateway's `backends`, for logs and metrics. */
  backend: string;
  endpoint: IREndpoint;
  /** Dial the endpoint over TLS with these settings (IRBackend.tls). */
  tls?: UpstreamTls;
}

class BackendCursor {
  /** The backend's name in the gateway's `backends`. */
  readonly name: string;
  readonly backend: IRBackend;
  readonly tls: UpstreamTls | undefined;
  #next = 0;

  constructor(name: string, backend: IRBackend, tls: UpstreamTls | undefined) {
    this.name = name;
    this.backend = backend;
    this.tls = tls;
  }

  nextOf<T>(items: readonly T[]): T {
    const item = items[this.#next % items.length] as T;
    this.#next = (this.#next + 1) % items.length;
    return item;
  }
}

export class StreamTarget {
  readonly route: IRStreamRoute;
  readonly #weights: WeightedPicker;
  readonly #cursors = new Map<string, BackendCursor>();
  readonly #resolver: EndpointResolver | undefined;
  readonly #random: () => number;
  #routable: Set<string> | undefined;

  /** `tlsToBackends`: dial backends that have `tls` over TLS (terminated TLS streams), with the gateway's certificates. */
  constructor(
    route: IRStreamRoute,
    backends: Readonly<Record<string, IRBackend>>,
    options: { resolver?: EndpointResolver; random?: () => number; tlsToBackends?: { certificates: Readonly<Record<string, IRCertificate>> | undefined } } = {},
  ) {
    this.route = route;
    this.#weights = compileWeights(route.backends);
    this.#resolver = options.resolver;
    this.#random = options.random ?? Math.random;
    for (const { backend: name } of route.backends) {
      const backend = name === undefined ? undefined : backends[name];
      if (name === undefined || backend === undefined || this.#cursors.has(name)) continue;
      const tls = backend.tls === undefined || options.tlsToBackends === undefined ? undefined : upstreamTls(backend.tls, options.tlsToBackends.certificates);
      this.#cursors.set(name, new BackendCursor(name, backend, tls));
    }
  }

  /**
   * Whether this target could have picked `destination`: its backend is still
   * one of the rule's (with a weight above 0) and, unless it is an
   * ExternalName, still lists the endpoint. UDP sessions made under an older
   * configuration stay only while this holds.
   */
  couldPick(destination: Destination): boolean {
    this.#routable ??= this.#routableKeys();
    const { backend, endpoint } = destination;
    return this.#routable.has(backend) || this.#routable.has(`${backend}|${endpoint.address}|${endpoint.port}`);
  }

  /** "backend" for ExternalName backends, "backend|address|port" for listed endpoints, of shares with weight. */
  #routableKeys(): Set<string> {
    const keys = new Set<string>();
    for (const share of this.route.backends) {
      const cursor = share.weight > 0 && share.backend !== undefined ? this.#cursors.get(share.backend) : undefined;
      if (cursor === undefined) continue;
      if (cursor.backend.externalName !== undefined) keys.add(cursor.name);
      else for (const endpoint of cursor.backend.endpoints) keys.add(`${cursor.name}|${endpoint.address}|${endpoint.port}`);
    }
    return keys;
  }

  /** Picks a destination: synchronously for listed endpoints and cached DNS answers, later after a lookup. */
  pick(done: (failure: PickFailure | undefined, destination: Destination | undefined) => void): void {
    const share = this.#weights.pick(this.#random());
    const cursor = share?.backend === undefined ? undefined : this.#cursors.get(share.backend);
    if (cursor === undefined) {
      done('no_backend', undefined);
      return;
    }
    const { name, backend, tls } = cursor;
    const external = backend.externalName;
    if (external === undefined) {
      if (backend.endpoints.length === 0) done('no_endpoints', undefined);
      else done(undefined, { backend: name, endpoint: cursor.nextOf(backend.endpoints), ...(tls === undefined ? {} : { tls }) });
      return;
    }
    if (this.#resolver === undefined) {
      done('dns_failed', undefined);
      return;
    }
    this.#resolver.resolve(external.hostname, (error, addresses) => {
      if (error !== undefined || addresses.length === 0) done('dns_failed', undefined);
      else done(undefined, { backend: name, endpoint: { address: cursor.nextOf(addresses), port: external.port }, ...(tls === undefined ? {} : { tls }) });
    });
  }
}
