// IR → what the proxy runs: per listening port, one compiled router and, per
// rule, everything the request path needs (weighted picker, backends, mirrors)
// resolved once, so a request does hash lookups and array reads only.
//
// Several gateways may put an HTTP port on the same port number (file mode
// serves every Gateway on one address): their virtual hosts are merged, and for
// a hostname more than one of them serves, the first gateway in IR order wins
// (port-groups.ts says which ports share a socket).
import type { IR, IRGateway, IRHttpPort, IRHttpRule, IRTlsPortConfig, IRTlsServer, IRVirtualHost, IRWeightedBackend } from '../../ir/types.ts';
import { compileWeights } from '../filters/weights.ts';
import type { WeightedPicker } from '../filters/weights.ts';
import { compileRouter } from '../router/compile.ts';
import type { CompiledRouter } from '../router/compile.ts';
import { compileHostTable } from '../router/host-table.ts';
import type { HostTable } from '../router/host-table.ts';
import type { TlsGatewayParts } from '../tls/front-door.ts';
import { Backend } from '../upstream/backend.ts';
import type { DnsCache } from '../upstream/dns.ts';
import type { PoolRegistry } from '../upstream/registry.ts';
import type { BackendLookup, CompileCache } from './config-cache.ts';
import { groupPorts } from './port-groups.ts';
import type { PortGroups } from './port-groups.ts';
import { wireRule } from './wire-strings.ts';

export interface MirrorTarget {
  backend: Backend;
  /** Share of requests to mirror, in [0, 1]. */
  fraction: number;
}

export interface RuleRuntime {
  /** The IR rule, with the text it may write as byte strings (wire-strings.ts). */
  readonly ir: IRHttpRule;
  readonly picker: WeightedPicker;
  /** The backend of each weighted share; undefined for a share without one (answered with its status). */
  readonly backends: ShareBackends;
  readonly mirrors: readonly MirrorTarget[];
  /** Response codes that are retried, as a set. */
  readonly retryCodes: ReadonlySet<number>;
}

export interface PortConfig {
  readonly port: number;
  /** The IR port(s) served here, merged into one. */
  readonly ir: IRHttpPort;
  readonly router: CompiledRouter;
  /** Indexed like `ir.rules` (an IRHttpMatch's `rule`). */
  readonly rules: readonly RuleRuntime[];
  /**
   * TLS ports: the listener a Host belongs to, chosen among the port's
   * terminating HTTP servers as SNI would choose (exact, longest wildcard,
   * "*"). A request on a connection made for another listener answers 421.
   */
  readonly listenerByHost: HostTable<string> | undefined;
  /** Gateway IR name ("gateway/<ns>/<name>") of each listener of the port, for request logs. */
  readonly gatewayOfListener: ReadonlyMap<string, string>;
  /** TLS ports: what the front door serves (the merged IR port, with `tls`) and the gateway parts it reads. */
  readonly tls: { readonly port: IRHttpPort; readonly parts: TlsGatewayParts } | undefined;
}

export interface CompiledConfig {
  /** HTTP ports, plain and TLS-first, by number. */
  ports: Map<number, PortConfig>;
  /** Which IR ports each socket serves (TCP and UDP ports are served from here). */
  groups: PortGroups;
  /** Pool keys of every configured endpoint (pools outside it are retired after the swap). */
  endpointKeys: Set<string>;
  /** ExternalName hostnames in use (the DNS cache forgets others). */
  hostnames: Set<string>;
  /** Backends whose protocol this engine cannot speak (their requests answer 503). */
  unsupported: Array<{ backend: string; protocol: string }>;
}

/** `cache` lends parts compiled for the last IR that this one has unchanged (config-cache.ts). */
export function compileConfig(ir: IR, registry: PoolRegistry, dns: DnsCache, cache?: CompileCache): CompiledConfig {
  const groups = groupPorts(ir);

  const endpointKeys = new Set<string>();
  const hostnames = new Set<string>();
  const unsupported: CompiledConfig['unsupported'] = [];
  // One lookup per Gateway, made once: it runs for every backend of every rule on every compile.
  const lookups = new Map<IRGateway, BackendLookup>();
  const lookupFor = (gateway: IRGateway): BackendLookup => {
    let lookup = lookups.get(gateway);
    if (lookup !== undefined) return lookup;
    const backends = new Map<string, Backend>();
    lookup = (name) => {
      if (name === undefined) return undefined;
      let backend = backends.get(name);
      if (backend === undefined) {
        const irBackend = gateway.backends[name];
        if (irBackend === undefined) return undefined; // validateIR rules this out; answer as an invalid share
        backend = cache === undefined ? new Backend(irBackend, registry, dns, gateway.certificates) : cache.backend(irBackend, () => new Backend(irBackend, registry, dns, gateway.certificates));
        backends.set(name, backend);
        for (const pool of backend.pools) endpointKeys.add(pool.key);
        if (backend.externalHostname !== undefined) hostnames.add(backend.externalHostname);
        if (backend.unsupported) unsupported.push({ backend: name, protocol: irBackend.tls === undefined ? irBackend.protocol : `${irBackend.protocol} over TLS` });
      }
      return backend;
    };
    lookups.set(gateway, lookup);
    return lookup;
  };

  const ports = new Map<number, PortConfig>();
  for (const [portNumber, { entries }] of groups.http) {
    const merged = mergePorts(entries.map((entry) => entry.port));
    let rules: RuleRuntime[];
    if (cache !== undefined) rules = cache.portRules(portNumber, entries, lookupFor, compileRule);
    else {
      rules = [];
      for (const { gateway, port } of entries) for (const rule of port.rules) rules.push(compileRule(rule, lookupFor(gateway)));
    }
    const gatewayOfListener = new Map<string, string>();
    for (const { gateway, port } of entries) {
      for (const vhost of port.virtualHosts) if (!gatewayOfListener.has(vhost.listener)) gatewayOfListener.set(vhost.listener, gateway.name);
      for (const server of port.tls?.servers ?? []) if (!gatewayOfListener.has(server.listener)) gatewayOfListener.set(server.listener, gateway.name);
    }
    ports.set(portNumber, {
      port: portNumber,
      ir: merged,
      router: compileRouter(merged, cache?.matchTable),
      rules,
      listenerByHost: merged.tls === undefined ? undefined : listenersByHost(merged.tls.servers),
      gatewayOfListener,
      tls: merged.tls === undefined ? undefined : { port: merged, parts: mergeTlsParts(entries.map((entry) => entry.gateway)) },
    });
  }
  cache?.finish();
  return { ports, groups, endpointKeys, hostnames, unsupported };
}

/**
 * Host → listener among the servers that terminate TLS for HTTP (Gateway
 * spec, misdirected requests: "match the authority of the requests with all
 * the SNI hostname(s) configured across all the Gateway Listeners on the same
 * port and protocol").
 */
function listenersByHost(servers: readonly IRTlsServer[]): HostTable<string> {
  const seen = new Set<string>();
  const entries: Array<readonly [string, string]> = [];
  for (const server of servers) {
    if (server.mode !== 'http' || seen.has(server.hostname)) continue;
    seen.add(server.hostname);
    entries.push([server.hostname, server.listener]);
  }
  return compileHostTable(entries);
}

/** The certificates and backends of the gateways sharing a TLS port (names are global paths: the first gateway wins a name). */
function mergeTlsParts(gateways: readonly IRGateway[]): TlsGatewayParts {
  const first = gateways[0] as IRGateway;
  if (gateways.length === 1) return first;
  const certificates: NonNullable<IRGateway['certificates']> = {};
  const backends: IRGateway['backends'] = {};
  for (let i = gateways.length - 1; i >= 0; i--) {
    const gateway = gateways[i] as IRGateway;
    Object.assign(certificates, gateway.certificates);
    Object.assign(backends, gateway.backends);
  }
  return { certificates, backends };
}

/** The Backend of each weighted share of a rule, looked up by the share. */
export interface ShareBackends {
  get(share: IRWeightedBackend): Backend | undefined;
}

/**
 * Shares and their backends side by side: most rules have one or two shares,
 * where a Map (a hash table per rule of every route) costs more memory than
 * the scan saves; many shares still get a Map.
 */
class FewShareBackends implements ShareBackends {
  readonly #shares: readonly IRWeightedBackend[];
  readonly #backends: readonly (Backend | undefined)[];
  constructor(shares: readonly IRWeightedBackend[], backends: readonly (Backend | undefined)[]) {
    this.#shares = shares;
    this.#backends = backends;
  }
  get(share: IRWeightedBackend): Backend | undefined {
    const index = this.#shares.indexOf(share);
    return index < 0 ? undefined : this.#backends[index];
  }
}

const FEW_SHARES = 8;

function shareBackends(shares: readonly IRWeightedBackend[], backendOf: BackendLookup): ShareBackends {
  const backends = shares.map((share) => backendOf(share.backend));
  if (shares.length <= FEW_SHARES) return new FewShareBackends(shares, backends);
  return new Map(shares.map((share, i) => [share, backends[i]]));
}

// Most rules retry on no status and mirror nowhere: they share one empty set
// and list instead of holding their own (one per rule of every route).
const NO_RETRY_CODES: ReadonlySet<number> = new Set();
const NO_MIRRORS: readonly MirrorTarget[] = [];

function compileRule(irRule: IRHttpRule, backendOf: BackendLookup): RuleRuntime {
  const rule = wireRule(irRule);
  const mirrors: MirrorTarget[] = [];
  for (const mirror of rule.mirrors) {
    const backend = backendOf(mirror.backend);
    if (backend === undefined || mirror.denominator <= 0) continue;
    mirrors.push({ backend, fraction: Math.min(1, Math.max(0, mirror.numerator / mirror.denominator)) });
  }
  return {
    ir: rule,
    picker: compileWeights(rule.backends),
    backends: shareBackends(rule.backends, backendOf),
    mirrors: mirrors.length === 0 ? NO_MIRRORS : mirrors,
    retryCodes: rule.retry?.codes?.length ? new Set(rule.retry.codes) : NO_RETRY_CODES,
  };
}

/** One port's IR from several gateways': rules concatenated, virtual hosts and TLS servers merged (first hostname wins). */
function mergePorts(ports: IRHttpPort[]): IRHttpPort {
  const first = ports[0] as IRHttpPort;
  if (ports.length === 1) return first;
  const virtualHosts: IRVirtualHost[] = [];
  const seen = new Set<string>();
  const rules: IRHttpRule[] = [];
  for (const port of ports) {
    const offset = rules.length;
    rules.push(...port.rules);
    for (const vhost of port.virtualHosts) {
      if (seen.has(vhost.hostname)) continue;
      seen.add(vhost.hostname);
      virtualHosts.push(offset === 0 ? vhost : { ...vhost, matches: vhost.matches.map((match) => ({ ...match, rule: match.rule + offset })) });
    }
  }
  const tls = mergeTls(ports);
  return { kind: 'http', name: first.name, port: first.port, virtualHosts, rules, ...(tls === undefined ? {} : { tls }) };
}

/** TLS servers of several gateways on one port: the first server of a hostname wins; version and ciphers are the first port's. */
function mergeTls(ports: IRHttpPort[]): IRTlsPortConfig | undefined {
  const first = ports[0]?.tls;
  if (first === undefined) return undefined;
  const servers: IRTlsServer[] = [];
  const seen = new Set<string>();
  for (const port of ports) {
    for (const server of port.tls?.servers ?? []) {
      if (seen.has(server.hostname)) continue;
      seen.add(server.hostname);
      servers.push(server);
    }
  }
  return { ...first, servers };
}
