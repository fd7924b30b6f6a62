// Everything TLS a Gateway's listeners (its ListenerSets' too) need from other objects: the
// certificates each terminating listener presents (certificates.ts), the
// client validation each HTTPS listener applies (frontend.ts), what is wrong
// with their references, and the certificate table of the Gateway's IR.
//
// This is kept apart from the Gateway's own context (gateway.ts), which
// depends on the Gateway object alone: TLS state reads Secrets, ConfigMaps
// and ReferenceGrants, and the time (certificates expire). Route attachment
// does not depend on it (a route attaches to a listener whatever its
// certificates). Worked out again on every run (the PEM checks are cached
// per text in lib/x509.ts), a Gateway's result is last run's object while it
// comes out the same, so later stages can tell by identity.
import type { IRCertificate, IRTlsServer } from '../../ir/types.ts';
import type { GatewayContext } from '../gateway.ts';
import type { ListenerContext, ListenerProblem } from '../listener.ts';
import { listenerAccepted } from '../listener.ts';
import type { ResourceIndex } from '../resource-index.ts';
import { ListenerReason } from '../status/reasons.ts';
import { resolveCertificateRef } from './certificates.ts';
import type { FrontendValidation } from './frontend.ts';
import { frontendValidationFor, resolveFrontendValidation } from './frontend.ts';

export interface ListenerTls {
  /** Names in the Gateway's certificate table, in certificateRefs order (valid refs only). */
  certificates: string[];
  /** ResolvedRefs=False for certificateRefs (some or all invalid). */
  certificateProblem: ListenerProblem | undefined;
  clientValidation: IRTlsServer['clientValidation'];
  /** ResolvedRefs=False for frontend caCertificateRefs. */
  caProblem: ListenerProblem | undefined;
  /** No caCertificateRef is valid: Accepted=False/NoValidCACertificate. */
  noValidCa: boolean;
}

export interface GatewayTls {
  /** Entries for terminating and HTTPS listeners that are accepted on their own. */
  listeners: ReadonlyMap<ListenerContext, ListenerTls>;
  /** "secret/<ns>/<name>" → certificate, sorted by name. */
  certificates: Readonly<Record<string, IRCertificate>>;
}

const EMPTY: GatewayTls = { listeners: new Map(), certificates: {} };

function resolveListener(
  listener: ListenerContext,
  gateway: GatewayContext,
  index: ResourceIndex,
  now: string,
  certificates: Map<string, IRCertificate>,
  frontend: (port: number) => FrontendValidation,
): ListenerTls {
  const names: string[] = [];
  const problems: { reason: string; message: string }[] = [];
  if (listener.tlsMode === 'terminate') {
    const refs = listener.spec.tls?.certificateRefs ?? [];
    for (const ref of refs) {
      const resolved = resolveCertificateRef(ref, listener.owner.namespace, index, now, listener.owner.kind);
      if (!resolved.ok) {
        problems.push(resolved);
        continue;
      }
      if (!names.includes(resolved.name)) names.push(resolved.name);
      certificates.set(resolved.name, resolved.certificate);
    }
    if (refs.length === 0) problems.push({ reason: ListenerReason.InvalidCertificateRef, message: 'tls.certificateRefs is empty: a terminating listener needs a certificate' });
  }
  // No valid certificate and every problem a missing grant: RefNotPermitted; otherwise the first problem's reason.
  const reason =
    names.length === 0 && problems.length > 0 && problems.every((p) => p.reason === ListenerReason.RefNotPermitted)
      ? ListenerReason.RefNotPermitted
      : names.length === 0
        ? ListenerReason.InvalidCertificateRef
        : (problems[0]?.reason ?? ListenerReason.InvalidCertificateRef);
  const certificateProblem = problems.length === 0 ? undefined : { reason, message: problems.map((p) => p.message).join('; ') };
  const validation = listener.protocol === 'HTTPS' ? frontend(listener.port) : undefined;
  return {
    certificates: names,
    certificateProblem,
    clientValidation: validation?.clientValidation,
    caProblem: validation?.problem,
    noValidCa: validation?.noneValid ?? false,
  };
}

function resolveGateway(gateway: GatewayContext, index: ResourceIndex, now: string): GatewayTls {
  const tlsListeners = gateway.allListeners.filter((l) => l.tlsMode !== undefined && listenerAccepted(l));
  if (tlsListeners.length === 0) return EMPTY;
  const certificates = new Map<string, IRCertificate>();
  const byPort = new Map<number, FrontendValidation>();
  const frontend = (port: number): FrontendValidation => {
    let resolved = byPort.get(port);
    if (resolved === undefined) byPort.set(port, (resolved = resolveFrontendValidation(frontendValidationFor(gateway.gateway, port), gateway.namespace, index)));
    return resolved;
  };
  const listeners = new Map<ListenerContext, ListenerTls>();
  for (const listener of tlsListeners) listeners.set(listener, resolveListener(listener, gateway, index, now, certificates, frontend));
  // The table holds the certificates of listeners that serve (a listener without a client CA does not).
  const used = new Set<string>();
  for (const tls of listeners.values()) if (tlsServable(tls)) for (const name of tls.certificates) used.add(name);
  const table: Record<string, IRCertificate> = {};
  for (const name of [...used].sort()) table[name] = certificates.get(name) as IRCertificate;
  return { listeners, certificates: table };
}

/** The same TLS state for a listener (entries are new objects each run). */
export function sameListenerTls(a: ListenerTls, b: ListenerTls): boolean {
  return (
    a.certificates.length === b.certificates.length &&
    a.certificates.every((name, i) => name === b.certificates[i]) &&
    a.certificateProblem?.reason === b.certificateProblem?.reason &&
    a.certificateProblem?.message === b.certificateProblem?.message &&
    a.clientValidation?.caPem === b.clientValidation?.caPem &&
    a.clientValidation?.mode === b.clientValidation?.mode &&
    a.caProblem?.reason === b.caProblem?.reason &&
    a.caProblem?.message === b.caProblem?.message &&
    a.noValidCa === b.noValidCa
  );
}

function sameGatewayTls(a: GatewayTls, b: GatewayTls): boolean {
  if (a === b) return true;
  if (a.listeners.size !== b.listeners.size) return false;
  for (const [listener, tls] of a.listeners) {
    const other = b.listeners.get(listener);
    if (other === undefined || !sameListenerTls(tls, other)) return false;
  }
  const names = Object.keys(a.certificates);
  if (names.length !== Object.keys(b.certificates).length) return false;
  return names.every((name) => a.certificates[name]?.hash === b.certificates[name]?.hash);
}

/** Keeps each Gateway's TLS state from one run to the next (by Gateway irName). */
export class GatewayTlsResolver {
  #previous = new Map<string, GatewayTls>();
  #next = new Map<string, GatewayTls>();

  begin(): void {
    this.#next = new Map();
  }

  finish(): void {
    this.#previous = this.#next;
  }

  resolve(gateway: GatewayContext, index: ResourceIndex, now: string): GatewayTls {
    const built = resolveGateway(gateway, index, now);
    const previous = this.#previous.get(gateway.irName);
    const result = previous !== undefined && sameGatewayTls(previous, built) ? previous : built;
    this.#next.set(gateway.irName, result);
    return result;
  }
}

/** Whether a listener's TLS lets it serve: a terminating listener needs a certificate, an HTTPS listener with client validation a CA. */
export function tlsServable(tls: ListenerTls | undefined): boolean {
  return tls === undefined || (!tls.noValidCa && (tls.certificateProblem === undefined || tls.certificates.length > 0));
}
