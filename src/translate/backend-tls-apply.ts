// BackendTLSPolicies applied to each Gateway's IR: every backend whose
// Service port a policy selects (backend-tls.ts) gets that policy's TLS
// settings (backend-tls-validation.ts) and, when the Gateway sets one, the
// Gateway's backend client certificate (backend-tls-client.ts), which joins
// the Gateway's certificate table. The policy applies where the spec gives
// it (BackendTLSPolicySpec.targetRefs, Extended support): backends of
// HTTPRoute and GRPCRoute rules, their mirrors, and TLSRoutes that terminate;
// a Service port reached only by TLS passthrough, TCPRoutes or UDPRoutes
// takes no TLS. While doing so it notes, for each policy, the Gateways whose
// routes use a Service port it selects that way: its status ancestors
// (backend-tls-status.ts).
//
// Runs after gateway-ir.ts built the Gateway's IR, and keeps identities as
// that does: a backend is the same object while its input backend and TLS
// settings are, and a Gateway whose backends and certificates all stayed is
// last run's object.
import type { IRBackend, IRBackendTls, IRCertificate, IRGateway, IRPort } from '../ir/types.ts';
import type { BackendTLSPolicy } from '../model/gatewayapi.ts';
import type { BackendClientCertificate } from './backend-tls-client.ts';
import type { PolicySelection, ServicePortTarget } from './backend-tls.ts';
import { selectPolicies } from './backend-tls.ts';
import type { PolicyValidation } from './backend-tls-validation.ts';
import { validatePolicy } from './backend-tls-validation.ts';
import { servicePortProtocol } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import type { ResourceIndex } from './resource-index.ts';

export interface PolicyAncestor {
  namespace: string;
  name: string;
}

interface BackendMemo {
  key: string;
  output: IRBackend;
}

interface GatewayMemo {
  input: IRGateway;
  output: IRGateway;
}

/** The Service port behind a backend name "service/<ns>/<name>/<port>" (UDP ports, "/udp", carry no TLS). */
function servicePortOf(backend: IRBackend, index: ResourceIndex): ServicePortTarget | undefined {
  const parts = backend.name.split('/');
  if (parts.length !== 4 || parts[0] !== 'service') return undefined;
  const [, namespace, service, portText] = parts as [string, string, string, string];
  const port = Number(portText);
  const servicePort = index.service(namespace, service)?.spec.ports?.find((p) => p.port === port && servicePortProtocol(p) === 'TCP');
  return { namespace, service, portName: servicePort?.name };
}

/** Names of the backends on a port that BackendTLSPolicy applies to (worked out once per port object). */
const policyBackendsOfPort = new WeakMap<IRPort, ReadonlySet<string>>();

function policyBackends(port: IRPort): ReadonlySet<string> {
  let names = policyBackendsOfPort.get(port);
  if (names !== undefined) return names;
  const found = new Set<string>();
  if (port.kind === 'http') {
    for (const rule of port.rules) {
      for (const share of rule.backends) if (share.backend !== undefined) found.add(share.backend);
      for (const mirror of rule.mirrors) found.add(mirror.backend);
    }
    for (const server of port.tls?.servers ?? []) {
      if (server.mode !== 'tcp') continue;
      for (const share of server.route?.backends ?? []) if (share.backend !== undefined) found.add(share.backend);
    }
  }
  policyBackendsOfPort.set(port, (names = found));
  return names;
}

function sameRecord<T>(a: Readonly<Record<string, T>> | undefined, b: Readonly<Record<string, T>> | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

export class BackendTlsApplier {
  #selection: PolicySelection = selectPolicies([]);
  #index: ResourceIndex | undefined;
  #validations = new Map<BackendTLSPolicy, PolicyValidation>();
  #ancestors = new Map<BackendTLSPolicy, Map<string, PolicyAncestor>>();
  #backends = new WeakMap<IRBackend, BackendMemo>();
  #gateways = new Map<string, GatewayMemo>();
  #nextGateways = new Map<string, GatewayMemo>();

  /** `selection`: the index's own (resource-index.ts), so the policies are sorted and indexed once per change of them. */
  begin(selection: PolicySelection, index: ResourceIndex): void {
    this.#selection = selection;
    this.#index = index;
    this.#validations = new Map();
    this.#ancestors = new Map();
    this.#nextGateways = new Map();
  }

  finish(): void {
    this.#gateways = this.#nextGateways;
    this.#index = undefined;
  }

  get selection(): PolicySelection {
    return this.#selection;
  }

  /** The policy's validation in this run (worked out once per run). */
  validation(policy: BackendTLSPolicy): PolicyValidation {
    let validation = this.#validations.get(policy);
    if (validation === undefined) this.#validations.set(policy, (validation = validatePolicy(policy, this.#index as ResourceIndex)));
    return validation;
  }

  /** Gateways whose routes use a Service port the policy selects, sorted by namespace/name. */
  ancestors(policy: BackendTLSPolicy): PolicyAncestor[] {
    const found = this.#ancestors.get(policy);
    if (found === undefined) return [];
    return [...found.keys()].sort().map((key) => found.get(key) as PolicyAncestor);
  }

  /** The Gateway's IR with TLS on the backends policies select. */
  apply(ir: IRGateway, gateway: GatewayContext, client: BackendClientCertificate | undefined): IRGateway {
    if (this.#selection.empty) return ir;
    const index = this.#index as ResourceIndex;
    const backends: Record<string, IRBackend> = {};
    let clientUsed = false;
    const applicable = ir.ports.length === 1 ? policyBackends(ir.ports[0] as IRPort) : new Set(ir.ports.flatMap((port) => [...policyBackends(port)]));
    for (const [name, backend] of Object.entries(ir.backends)) {
      const target = applicable.has(name) ? servicePortOf(backend, index) : undefined;
      const policy = target === undefined ? undefined : this.#policyFor(target, gateway);
      if (policy === undefined) {
        backends[name] = backend;
        continue;
      }
      const tls: IRBackendTls = { ...this.validation(policy).tls, ...(client?.name === undefined ? {} : { clientCertificate: client.name }) };
      if (client?.name !== undefined) clientUsed = true;
      backends[name] = this.#withTls(backend, tls, client?.certificate);
    }
    const certificates = clientUsed ? withCertificate(ir.certificates, client?.name as string, client?.certificate as IRCertificate) : ir.certificates;

    // No backend of this Gateway takes TLS: its IR as built.
    if (certificates === ir.certificates && sameRecord(ir.backends, backends)) return ir;
    // Otherwise last run's records (and IRGateway) while they hold the same, so later stages can tell by identity.
    const previous = this.#gateways.get(ir.name)?.output;
    const sameBackends = previous !== undefined && sameRecord(previous.backends, backends);
    const sameTable = previous !== undefined && sameCertificates(previous.certificates, certificates);
    const output =
      sameBackends && sameTable && this.#gateways.get(ir.name)?.input === ir
        ? previous
        : {
            ...ir,
            backends: sameBackends ? previous.backends : backends,
            ...(certificates === undefined ? {} : { certificates: sameTable ? (previous.certificates as Record<string, IRCertificate>) : certificates }),
          };
    this.#nextGateways.set(ir.name, { input: ir, output });
    return output;
  }

  /** The applying policy; every selecting policy (conflicted ones too) counts this Gateway as an ancestor. */
  #policyFor(target: ServicePortTarget, gateway: GatewayContext): BackendTLSPolicy | undefined {
    for (const policy of this.#selection.policiesSelecting(target)) {
      let gateways = this.#ancestors.get(policy);
      if (gateways === undefined) this.#ancestors.set(policy, (gateways = new Map<string, PolicyAncestor>()));
      gateways.set(`${gateway.namespace}/${gateway.name}`, { namespace: gateway.namespace, name: gateway.name });
    }
    return this.#selection.policyFor(target);
  }

  /** A new object only when the input backend or the settings (the client certificate's content included) changed. */
  #withTls(backend: IRBackend, tls: IRBackendTls, clientCertificate: IRCertificate | undefined): IRBackend {
    const key = `${JSON.stringify(tls)}|${clientCertificate?.hash ?? ''}`;
    const memo = this.#backends.get(backend);
    if (memo !== undefined && memo.key === key) return memo.output;
    const output: IRBackend = { ...backend, tls };
    this.#backends.set(backend, { key, output });
    return output;
  }
}

/** Same names with the same content (certificates resolved again each run are new objects). */
function sameCertificates(a: IRGateway['certificates'], b: IRGateway['certificates']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key]?.hash === b[key]?.hash);
}

/** The table with the client certificate added (a listener may present the same Secret: then the table is kept). */
function withCertificate(table: IRGateway['certificates'], name: string, certificate: IRCertificate): Record<string, IRCertificate> {
  if (table !== undefined && table[name]?.hash === certificate.hash) return table;
  const merged: Record<string, IRCertificate> = {};
  for (const key of [...Object.keys(table ?? {}), ...(table?.[name] === undefined ? [name] : [])].sort()) {
    merged[key] = key === name ? certificate : (table?.[key] as IRCertificate);
  }
  return merged;
}
