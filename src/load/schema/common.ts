// Schemas shared by several Gateway API kinds: references, parentRefs,
// hostnames, header modifiers, mirrors, session persistence. Each follows the
// Go type of the same name in apis/v1 (v1.6.1) and its CRD validation.
import type {
  BackendObjectReference,
  BackendRef,
  HTTPHeaderFilter,
  HTTPRequestMirrorFilter,
  LocalObjectReference,
  ObjectReference,
  ParentReference,
  RouteGroupKind,
  SecretObjectReference,
  SessionPersistence,
} from '../../model/gatewayapi.ts';
import type { Assert, Infer, Path, Rule, Same } from './dsl.ts';
import { int, list, obj, oneOf, req, str, stringEnum } from './dsl.ts';
import { DNS_LABEL, DNS_SUBDOMAIN, DURATION, GROUP, HEADER_NAME, HEADER_VALUE, HOSTNAME, KIND } from './patterns.ts';

export const group = str({ max: 253, pattern: GROUP });
export const kind = str({ min: 1, max: 63, pattern: KIND });
export const objectName = str({ min: 1, max: 253 });
export const namespace = str({ min: 1, max: 63, pattern: DNS_LABEL });
export const sectionName = str({ min: 1, max: 253, pattern: DNS_SUBDOMAIN });
export const port = int({ min: 1, max: 65535 });
export const hostname = str({ min: 1, max: 253, pattern: HOSTNAME });
export const preciseHostname = str({ min: 1, max: 253, pattern: DNS_SUBDOMAIN });
export const duration = str({ pattern: DURATION });
/** Rule names (GEP-995): a SectionName. */
export const ruleName = sectionName;

export const parentReference = obj({ group, kind, namespace, name: req(objectName), sectionName, port });
export type ParentReferenceMatchesModel = Assert<Same<Infer<typeof parentReference>, ParentReference>>;

export const localObjectReference = obj({ group: req(group), kind: req(kind), name: req(objectName) });
export type LocalObjectReferenceMatchesModel = Assert<Same<Infer<typeof localObjectReference>, LocalObjectReference>>;

export const objectReference = obj({ group: req(group), kind: req(kind), name: req(objectName), namespace });
export type ObjectReferenceMatchesModel = Assert<Same<Infer<typeof objectReference>, ObjectReference>>;

export const secretObjectReference = obj({ group, kind, name: req(objectName), namespace });
export type SecretObjectReferenceMatchesModel = Assert<Same<Infer<typeof secretObjectReference>, SecretObjectReference>>;

export const routeGroupKind = obj({ group, kind: req(kind) });
export type RouteGroupKindMatchesModel = Assert<Same<Infer<typeof routeGroupKind>, RouteGroupKind>>;

/** A backendRef to a core Service must name its port (group "" and kind "Service" are the defaults). */
export const servicePortRule: Rule<{ group?: string; kind?: string; port?: number }> = {
  message: 'port is required when the backend is a Service',
  valid: (ref) => !((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service') || ref.port !== undefined,
  at: () => ['port'],
};

export const backendObjectReference = obj({ group, kind, name: req(objectName), namespace, port }, { rules: [servicePortRule] });
export type BackendObjectReferenceMatchesModel = Assert<Same<Infer<typeof backendObjectReference>, BackendObjectReference>>;

export const backendRefProps = {
  group,
  kind,
  name: req(objectName),
  namespace,
  port,
  weight: int({ min: 0, max: 1_000_000 }),
};
export const backendRef = obj(backendRefProps, { rules: [servicePortRule] });
export type BackendRefMatchesModel = Assert<Same<Infer<typeof backendRef>, BackendRef>>;

// ---------------------------------------------------------------- parentRefs

/** The identity of a parentRef's parent: group, kind, namespace and name (CRD defaults applied). */
function parentKey(ref: ParentReference): string {
  return `${ref.group ?? 'gateway.networking.k8s.io'}/${ref.kind ?? 'Gateway'}/${ref.namespace ?? ''}/${ref.name}`;
}

function firstViolation<T>(items: T[], conflict: (a: T, b: T) => boolean): number | undefined {
  for (let j = 1; j < items.length; j++) {
    for (let i = 0; i < j; i++) if (conflict(items[i] as T, items[j] as T)) return j;
  }
  return undefined;
}

const specific = (ref: ParentReference): [boolean, boolean] => [(ref.sectionName ?? '') !== '', (ref.port ?? 0) !== 0];

/**
 * parentRefs (GEP-1426 / ParentReference docs): two references to the same
 * parent must each name a sectionName or port, the same ones, and not repeat.
 * Checked pairwise only among refs to the same parent; routes have at most 32.
 */
const parentRefRules: Rule<ParentReference[]>[] = [
  {
    message: 'parentRefs to the same parent must all set sectionName, or all set port, or neither (to tell them apart)',
    valid: (refs) => sameParentConflict(refs, notAlike) === undefined,
    at: (refs) => at(sameParentConflict(refs, notAlike)),
  },
  {
    message: 'parentRefs must not repeat: two refer to the same parent with the same sectionName and port',
    valid: (refs) => sameParentConflict(refs, identical) === undefined,
    at: (refs) => at(sameParentConflict(refs, identical)),
  },
];

function notAlike(a: ParentReference, b: ParentReference): boolean {
  const [sa, pa] = specific(a);
  const [sb, pb] = specific(b);
  return sa !== sb || pa !== pb;
}

function identical(a: ParentReference, b: ParentReference): boolean {
  return (a.sectionName ?? '') === (b.sectionName ?? '') && (a.port ?? 0) === (b.port ?? 0);
}

function sameParentConflict(refs: ParentReference[], conflict: (a: ParentReference, b: ParentReference) => boolean): number | undefined {
  return firstViolation(refs, (a, b) => parentKey(a) === parentKey(b) && conflict(a, b));
}

function at(index: number | undefined): Path | undefined {
  return index === undefined ? undefined : [index];
}

export const parentRefs = list(parentReference, { max: 32, rules: parentRefRules });

/** GEP-3793: whether the route attaches to the default Gateways. */
export const useDefaultGateways = stringEnum(['All', 'None']);

/** Rule names must be unique within a route (GEP-995). */
export function uniqueRuleNames<T extends { name?: string }>(): Rule<T[]> {
  return {
    message: (rules) => `rule name "${rules[duplicateIndex(rules, (r) => r.name) ?? 0]?.name ?? ''}" is used by more than one rule; rule names must be unique within the route`,
    valid: (rules) => duplicateIndex(rules, (r) => r.name) === undefined,
    at: (rules) => {
      const index = duplicateIndex(rules, (r) => r.name);
      return index === undefined ? undefined : [index, 'name'];
    },
  };
}

/** Index of the first item whose key (when defined) an earlier item already has. */
export function duplicateIndex<T>(items: readonly T[], keyOf: (item: T) => string | number | undefined): number | undefined {
  const seen = new Set<string | number>();
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i] as T);
    if (key === undefined) continue;
    if (seen.has(key)) return i;
    seen.add(key);
  }
  return undefined;
}

// ---------------------------------------------------------------- filters

const header = obj({
  name: req(str({ min: 1, max: 256, pattern: HEADER_NAME })),
  value: req(str({ min: 1, max: 4096, pattern: HEADER_VALUE })),
});

/** RequestHeaderModifier / ResponseHeaderModifier: set and add are maps keyed by header name. */
export const headerFilter = obj({
  set: list(header, { max: 16, unique: ['name'] }),
  add: list(header, { max: 16, unique: ['name'] }),
  remove: list(str(), { max: 16, unique: 'set' }),
});
export type HeaderFilterMatchesModel = Assert<Same<Infer<typeof headerFilter>, HTTPHeaderFilter>>;

export const requestMirror = obj(
  {
    backendRef: req(backendObjectReference),
    percent: int({ min: 0, max: 100 }),
    fraction: obj(
      { numerator: req(int({ min: 0 })), denominator: int({ min: 1 }) },
      {
        rules: [
          {
            message: 'numerator must be less than or equal to denominator (default 100)',
            valid: (f) => f.numerator <= (f.denominator ?? 100),
            at: () => ['numerator'],
          },
        ],
      },
    ),
  },
  {
    rules: [{ message: 'set either percent or fraction, not both', valid: (m) => !(m.percent !== undefined && m.fraction !== undefined) }],
  },
);
export type RequestMirrorMatchesModel = Assert<Same<Infer<typeof requestMirror>, HTTPRequestMirrorFilter>>;

/** `type` names exactly one of the filter's config fields, and that field must be set (and no other). */
export function filterTypeRules<F extends { type: string }>(fields: Record<string, keyof F & string>): Rule<F>[] {
  const rules: Rule<F>[] = [];
  for (const [type, field] of Object.entries(fields)) {
    rules.push({
      message: `${field} must be set when type is ${type}`,
      valid: (f) => f.type !== type || f[field] !== undefined,
      at: () => [field],
    });
    rules.push({
      message: (f) => `${field} must not be set when type is ${f.type} (it belongs to type ${type})`,
      valid: (f) => f.type === type || f[field] === undefined,
      at: () => [field],
    });
  }
  return rules;
}

/** A filter type that may appear at most once in a filters list. */
export function notRepeated<F extends { type: string }>(type: string): Rule<F[]> {
  const index = (filters: F[]) => filters.findIndex((f, i) => f.type === type && filters.findIndex((g) => g.type === type) !== i);
  return {
    message: `the ${type} filter may appear only once in a filters list`,
    valid: (filters) => index(filters) === -1,
    at: (filters) => [index(filters), 'type'],
  };
}

export const sessionPersistence = obj(
  {
    sessionName: str({ max: 128 }),
    absoluteTimeout: duration,
    type: oneOf(['Cookie', 'Header']),
    cookieConfig: obj({ lifetimeType: oneOf(['Permanent', 'Session']) }),
  },
  {
    rules: [
      {
        message: 'absoluteTimeout is required when cookieConfig.lifetimeType is Permanent',
        valid: (s) => s.cookieConfig?.lifetimeType !== 'Permanent' || s.absoluteTimeout !== undefined,
        at: () => ['cookieConfig', 'lifetimeType'],
      },
      {
        message: 'cookieConfig is only allowed when type is Cookie (the default)',
        valid: (s) => s.cookieConfig === undefined || (s.type ?? 'Cookie') === 'Cookie',
        at: () => ['cookieConfig'],
      },
    ],
  },
);
export type SessionPersistenceMatchesModel = Assert<Same<Infer<typeof sessionPersistence>, SessionPersistence>>;
