// One object from a file: recognise its kind and API version, validate it
// against its schema, and apply what the API server would do on create
// (namespace "default", Secret stringData folded into data).
import type { AnyObject } from '../model/resources.ts';
import type { Issue, Path } from './schema/dsl.ts';
import { Context, isPlainObject, show } from './schema/dsl.ts';
import { kindInfo, KNOWN_KINDS } from './kinds.ts';

export interface ObjectIdentity {
  kind: string;
  /** Set for namespaced kinds (defaulted to "default"). */
  namespace?: string;
  name?: string;
}

export interface ValidationResult {
  /** Present when the object is valid. */
  object?: AnyObject;
  /** What the object claims to be, for diagnostics (as far as it can be read). */
  identity?: ObjectIdentity;
  /** True when the kind or apiVersion is not one Portico reads (the object is skipped, not rejected). */
  ignored: boolean;
  issues: Issue[];
}

const DEFAULT_NAMESPACE = 'default';

export function validateObject(raw: unknown): ValidationResult {
  const ctx = new Context();
  if (!isPlainObject(raw)) {
    ctx.error(`a document must be a Kubernetes object (a map with apiVersion, kind and metadata), got ${show(raw)}`);
    return { ignored: false, issues: ctx.issues };
  }
  const { apiVersion, kind } = raw;
  if (typeof kind !== 'string' || kind === '') ctx.error('required field is missing: every object needs a kind', ['kind']);
  if (typeof apiVersion !== 'string' || apiVersion === '') ctx.error('required field is missing: every object needs an apiVersion', ['apiVersion']);
  if (typeof kind !== 'string' || typeof apiVersion !== 'string' || ctx.errors > 0) return { ignored: false, issues: ctx.issues };

  const info = kindInfo(kind);
  if (info === undefined) {
    ctx.warn(`kind ${kind} (${apiVersion}) is not one Portico reads; the object is ignored (known kinds: ${KNOWN_KINDS.join(', ')})`, ['kind']);
    return { ignored: true, identity: readIdentity(raw, kind, false), issues: ctx.issues };
  }
  const identity = readIdentity(raw, kind, info.namespaced);
  const schema = info.versions.get(apiVersion);
  if (schema === undefined) {
    const served = [...info.versions.keys()].join(', ');
    ctx.warn(`apiVersion ${apiVersion} is not served for ${kind} (served: ${served}); the object is ignored`, ['apiVersion']);
    return { ignored: true, identity, issues: ctx.issues };
  }

  applyNamespace(raw, info.namespaced, kind, ctx);
  schema.check(raw, ctx);
  if (ctx.errors > 0) return { ignored: false, identity, issues: ctx.issues };
  const object = raw as unknown as AnyObject;
  if (object.kind === 'Secret') foldStringData(object);
  return { object, identity, ignored: false, issues: ctx.issues };
}

function readIdentity(raw: Record<string, unknown>, kind: string, namespaced: boolean): ObjectIdentity {
  const metadata = isPlainObject(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  if (!namespaced) return { kind, name };
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE;
  return { kind, namespace, name };
}

/** Namespaced objects without a namespace go to "default"; cluster-scoped ones have none. */
function applyNamespace(raw: Record<string, unknown>, namespaced: boolean, kind: string, ctx: Context): void {
  const metadata = raw.metadata;
  if (!isPlainObject(metadata)) return; // reported by the schema
  const path: Path = ['metadata', 'namespace'];
  if (namespaced) {
    if (metadata.namespace === undefined || metadata.namespace === null || metadata.namespace === '') metadata.namespace = DEFAULT_NAMESPACE;
  } else if (metadata.namespace !== undefined) {
    ctx.warn(`${kind} is cluster-scoped: metadata.namespace is ignored`, path);
    delete metadata.namespace;
  }
}

/** The API server merges stringData into data (base64), stringData winning, and stores no stringData. */
function foldStringData(secret: { data?: Record<string, string>; stringData?: Record<string, string> }): void {
  if (secret.stringData === undefined) return;
  const data = { ...secret.data };
  for (const [key, value] of Object.entries(secret.stringData)) data[key] = Buffer.from(value, 'utf8').toString('base64');
  secret.data = data;
  delete secret.stringData;
}
