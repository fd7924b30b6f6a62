// ReferenceGrant and BackendTLSPolicy (apis/v1/referencegrant_types.go,
// backendtlspolicy_types.go, v1.6.1).
import type { BackendTLSPolicy, ReferenceGrant } from '../../model/gatewayapi.ts';
import type { Assert, Infer, Rule, Same } from './dsl.ts';
import { list, obj, oneOf, record, req, str } from './dsl.ts';
import { duplicateIndex, group, hostname, kind, localObjectReference, namespace, objectName, preciseHostname, sectionName } from './common.ts';
import { metadata } from './meta.ts';
import { SAN_URI, WELL_KNOWN_CA } from './patterns.ts';

// ---------------------------------------------------------------- ReferenceGrant

const referenceGrantSpec = obj({
  from: req(list(obj({ group: req(group), kind: req(kind), namespace: req(namespace) }), { min: 1, max: 16 })),
  to: req(list(obj({ group: req(group), kind: req(kind), name: objectName }), { min: 1, max: 16 })),
});

export const referenceGrant = obj(
  { apiVersion: req(str()), kind: req(oneOf(['ReferenceGrant'])), metadata: req(metadata.subdomain), spec: req(referenceGrantSpec) },
  { drop: ['status'] },
);
export type ReferenceGrantMatchesModel = Assert<Same<Infer<typeof referenceGrant>, ReferenceGrant>>;

// ---------------------------------------------------------------- BackendTLSPolicy

interface TargetRef {
  group: string;
  kind: string;
  name: string;
  sectionName?: string;
}

const target = (t: TargetRef) => `${t.group}/${t.kind}/${t.name}`;
const hasSection = (t: TargetRef) => (t.sectionName ?? '') !== '';

/** Like parentRefs: several refs to one target must all name a sectionName, and not repeat one. */
const targetRefRules: Rule<TargetRef[]>[] = [
  {
    message: 'targetRefs to the same target must all set sectionName (to tell them apart)',
    valid: (ts) => mixedIndex(ts) === undefined,
    at: (ts) => [mixedIndex(ts) ?? 0, 'sectionName'],
  },
  {
    message: 'targetRefs must not repeat: two refer to the same target and sectionName',
    valid: (ts) => duplicateIndex(ts, (t) => `${target(t)}#${t.sectionName ?? ''}`) === undefined,
    at: (ts) => [duplicateIndex(ts, (t) => `${target(t)}#${t.sectionName ?? ''}`) ?? 0],
  },
];

function mixedIndex(ts: TargetRef[]): number | undefined {
  for (let j = 1; j < ts.length; j++) {
    const b = ts[j] as TargetRef;
    if (ts.slice(0, j).some((a) => target(a) === target(b) && hasSection(a) !== hasSection(b))) return j;
  }
  return undefined;
}

const subjectAltName = obj(
  {
    type: req(oneOf(['Hostname', 'URI'])),
    hostname,
    uri: str({ min: 1, max: 253, pattern: SAN_URI }),
  },
  {
    rules: [
      { message: 'hostname is required when type is Hostname', valid: (s) => s.type !== 'Hostname' || (s.hostname ?? '') !== '', at: () => ['hostname'] },
      { message: 'hostname is only allowed when type is Hostname', valid: (s) => s.type === 'Hostname' || (s.hostname ?? '') === '', at: () => ['hostname'] },
      { message: 'uri is required when type is URI', valid: (s) => s.type !== 'URI' || (s.uri ?? '') !== '', at: () => ['uri'] },
      { message: 'uri is only allowed when type is URI', valid: (s) => s.type === 'URI' || (s.uri ?? '') === '', at: () => ['uri'] },
    ],
  },
);

const hasCARefs = (v: { caCertificateRefs?: unknown[] }) => (v.caCertificateRefs ?? []).length > 0;
const hasWellKnown = (v: { wellKnownCACertificates?: string }) => (v.wellKnownCACertificates ?? '') !== '';

const validation = obj(
  {
    caCertificateRefs: list(localObjectReference, { max: 8 }),
    wellKnownCACertificates: str<'System' | (string & {})>({ min: 1, max: 253, pattern: WELL_KNOWN_CA }),
    hostname: req(preciseHostname),
    subjectAltNames: list(subjectAltName, { max: 5 }),
  },
  {
    rules: [
      { message: 'set caCertificateRefs or wellKnownCACertificates, not both', valid: (v) => !(hasCARefs(v) && hasWellKnown(v)) },
      { message: 'one of caCertificateRefs or wellKnownCACertificates is required', valid: (v) => hasCARefs(v) || hasWellKnown(v) },
    ],
  },
);

const backendTLSPolicySpec = obj({
  targetRefs: req(list(obj({ group: req(group), kind: req(kind), name: req(objectName), sectionName }), { min: 1, max: 16, rules: targetRefRules })),
  validation: req(validation),
  options: record(str({ max: 4096 }), { maxProperties: 16 }),
});

export const backendTLSPolicy = obj(
  { apiVersion: req(str()), kind: req(oneOf(['BackendTLSPolicy'])), metadata: req(metadata.subdomain), spec: req(backendTLSPolicySpec) },
  { drop: ['status'] },
);
export type BackendTLSPolicyMatchesModel = Assert<Same<Infer<typeof backendTLSPolicy>, Omit<BackendTLSPolicy, 'status'>>>;
