// A small schema language for Kubernetes objects, written for this loader:
// OpenAPI-style structure (types, enums, lengths, patterns, bounds, list
// uniqueness) plus `rules`, TypeScript predicates that stand in for the CRDs'
// CEL rules (x-kubernetes-validations).
//
// Validation works in place on the plain data the YAML parser produced, with
// no allocation on the success path (the path is one shared stack): 40,000
// HTTPRoutes must validate well under a second. It follows the API server:
// null means "not set" (the field is dropped), unknown fields are pruned (here
// with a warning, since in a file they are usually typos), and the rules of an
// object run only when its fields are structurally valid (they read typed data).
//
// Every schema carries the TypeScript type of what it accepts (`Infer<S>`), so
// the schemas are checked against the types in src/model at compile time.

import { closestName } from './suggest.ts';

export type PathSegment = string | number;
export type Path = PathSegment[];

export interface Issue {
  severity: 'error' | 'warning';
  path: Path;
  message: string;
}

/** Validation state: the path being checked and the issues found so far. */
export class Context {
  readonly path: Path = [];
  readonly issues: Issue[] = [];
  errors = 0;

  error(message: string, at: Path = []): void {
    this.issues.push({ severity: 'error', path: [...this.path, ...at], message });
    this.errors++;
  }

  warn(message: string, at: Path = []): void {
    this.issues.push({ severity: 'warning', path: [...this.path, ...at], message });
  }
}

export interface Schema<T> {
  /** Phantom: the type of a value this schema accepts. */
  readonly __type?: T;
  /** For messages: "string", "integer", "object", ... */
  readonly expects: string;
  /** Checks `value` (may delete unknown fields inside it); false when an error was added. */
  check(value: unknown, ctx: Context): boolean;
}

/** A field that must be present (object properties are optional unless wrapped in req()). */
export interface RequiredSchema<T> extends Schema<T> {
  readonly required: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/**
 * A rule over an already well-typed value, like a CEL rule in a CRD. `valid`
 * states what must hold; `at` (asked only on failure) points at the element
 * at fault, so the diagnostic names its field and line instead of the list's.
 */
export interface Rule<T> {
  message: string | ((self: T) => string);
  valid(self: T): boolean;
  at?(self: T): Path | undefined;
}

function runRules<T>(rules: readonly Rule<T>[] | undefined, value: T, ctx: Context): void {
  if (rules === undefined) return;
  for (const rule of rules) {
    if (rule.valid(value)) continue;
    const message = typeof rule.message === 'string' ? rule.message : rule.message(value);
    ctx.error(message, rule.at?.(value) ?? []);
  }
}

// ---------------------------------------------------------------- messages

const MAX_SHOWN = 64;

/** A value as shown in messages: quoted, shortened. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
    return JSON.stringify(text);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function typeError(expects: string, value: unknown): string {
  const got = typeof value === 'string' ? `the string ${show(value)}` : show(value);
  return `must be ${expects}, got ${got}`;
}

// ---------------------------------------------------------------- scalars

/** A regular expression with the words that explain it to a user. */
export interface Pattern {
  re: RegExp;
  describe: string;
}

export interface StringOptions {
  min?: number;
  max?: number;
  pattern?: Pattern;
  /** Extra check: returns what is wrong, or undefined. */
  test?: (value: string) => string | undefined;
}

/**
 * A string. The type parameter narrows the TypeScript type when the model
 * declares one the checks guarantee (e.g. ProtocolType).
 */
export function str<T extends string = string>(options: StringOptions = {}): Schema<T> {
  const { min, max, pattern, test } = options;
  return {
    expects: 'a string',
    check(value, ctx) {
      if (typeof value !== 'string') {
        ctx.error(typeError('a string', value));
        return false;
      }
      if (min !== undefined && value.length < min) {
        ctx.error(min === 1 ? 'must not be empty' : `must be at least ${min} characters long`);
        return false;
      }
      // Length before pattern: patterns are only ever run on bounded input.
      if (max !== undefined && value.length > max) {
        ctx.error(`must be at most ${max} characters long (is ${value.length})`);
        return false;
      }
      if (pattern !== undefined && !pattern.re.test(value)) {
        ctx.error(`invalid value ${show(value)}: must be ${pattern.describe}`);
        return false;
      }
      const problem = test?.(value);
      if (problem !== undefined) {
        ctx.error(`invalid value ${show(value)}: ${problem}`);
        return false;
      }
      return true;
    },
  };
}

/** One of a fixed set of strings or numbers. */
export function oneOf<const V extends readonly (string | number)[]>(values: V): Schema<V[number]> {
  const allowed = new Set<unknown>(values);
  const list = values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ');
  const expects = typeof values[0] === 'number' ? 'an integer' : 'a string';
  return {
    expects,
    check(value, ctx) {
      if (allowed.has(value)) return true;
      if (typeof value !== typeof values[0]) ctx.error(typeError(expects, value));
      else ctx.error(`invalid value ${show(value)}: must be one of ${list}`);
      return false;
    },
  };
}

/**
 * One of a fixed set of strings, typed as plain `string` (for model fields
 * declared as string that the CRD restricts to an enum, e.g. HTTP methods).
 */
export function stringEnum(values: readonly string[]): Schema<string> {
  return oneOf(values);
}

export interface IntOptions {
  min?: number;
  max?: number;
}

export function int(options: IntOptions = {}): Schema<number> {
  const { min, max } = options;
  return {
    expects: 'an integer',
    check(value, ctx) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        ctx.error(typeError('an integer', value));
        return false;
      }
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        ctx.error(`invalid value ${value}: must be ${range(min, max)}`);
        return false;
      }
      return true;
    },
  };
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${String(max)}`;
}

export function bool(): Schema<boolean> {
  return {
    expects: 'a boolean',
    check(value, ctx) {
      if (typeof value === 'boolean') return true;
      ctx.error(typeError('true or false', value));
      return false;
    },
  };
}

/** Kubernetes IntOrString (e.g. a Service targetPort). */
export function intOrString(asInt: Schema<number>, asString: Schema<string>): Schema<number | string> {
  return {
    expects: 'an integer or a string',
    check(value, ctx) {
      if (typeof value === 'number') return asInt.check(value, ctx);
      if (typeof value === 'string') return asString.check(value, ctx);
      ctx.error(typeError('an integer or a string', value));
      return false;
    },
  };
}

// ---------------------------------------------------------------- composites

export function req<T>(schema: Schema<T>): RequiredSchema<T> {
  return { expects: schema.expects, check: (value, ctx) => schema.check(value, ctx), required: true };
}

export interface ListOptions<T> {
  min?: number;
  max?: number;
  /**
   * x-kubernetes-list-type: "set" (items unique) or the keys of a "map" list
   * (no two items with the same key values), checked as the API server does.
   */
  unique?: 'set' | readonly string[];
  rules?: readonly Rule<T[]>[];
}

export function list<T>(item: Schema<T>, options: ListOptions<T> = {}): Schema<T[]> {
  const { min, max, unique, rules } = options;
  return {
    expects: 'a list',
    check(value, ctx) {
      if (!Array.isArray(value)) {
        ctx.error(typeError('a list', value));
        return false;
      }
      if (max !== undefined && value.length > max) {
        ctx.error(`must have at most ${max} items (has ${value.length})`);
        return false;
      }
      if (min !== undefined && value.length < min) {
        ctx.error(min === 1 ? 'must have at least one item' : `must have at least ${min} items`);
        return false;
      }
      const before = ctx.errors;
      for (let i = 0; i < value.length; i++) {
        ctx.path.push(i);
        item.check(value[i], ctx);
        ctx.path.pop();
      }
      if (ctx.errors !== before) return false;
      if (unique !== undefined) checkUnique(value, unique, ctx);
      if (ctx.errors === before) runRules(rules, value as T[], ctx);
      return ctx.errors === before;
    },
  };
}

function checkUnique(items: unknown[], unique: 'set' | readonly string[], ctx: Context): void {
  if (items.length < 2) return;
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const key = unique === 'set' ? JSON.stringify(item) : JSON.stringify(unique.map((k) => (item as Record<string, unknown>)[k]));
    if (!seen.has(key)) {
      seen.add(key);
      continue;
    }
    if (unique === 'set') ctx.error(`duplicate value ${show(item)}: each value may appear only once`, [i]);
    else {
      const what = unique.map((k) => `${k} ${show((item as Record<string, unknown>)[k])}`).join(', ');
      ctx.error(`duplicate entry: ${what} is already used by an earlier entry; it must be unique in this list`, [i, ...(unique.length === 1 ? unique : [])]);
    }
  }
}

export interface RecordOptions {
  maxProperties?: number;
  /** Checks a key: returns what is wrong with it, or undefined. */
  key?: (key: string) => string | undefined;
}

/** A map with string keys (labels, annotations, options, Secret data). */
export function record<V>(valueSchema: Schema<V>, options: RecordOptions = {}): Schema<Record<string, V>> {
  const { maxProperties, key: checkKey } = options;
  return {
    expects: 'a map',
    check(value, ctx) {
      if (!isPlainObject(value)) {
        ctx.error(typeError('a map of keys to values', value));
        return false;
      }
      const before = ctx.errors;
      let count = 0;
      for (const key in value) {
        count++;
        const problem = checkKey?.(key);
        if (problem !== undefined) ctx.error(`invalid key ${show(key)}: ${problem}`, [key]);
        ctx.path.push(key);
        valueSchema.check(value[key], ctx);
        ctx.path.pop();
      }
      if (maxProperties !== undefined && count > maxProperties) ctx.error(`must have at most ${maxProperties} entries (has ${count})`);
      return ctx.errors === before;
    },
  };
}

export type Props = Record<string, Schema<unknown>>;

type RequiredKeys<P> = { [K in keyof P]: P[K] extends { required: true } ? K : never }[keyof P];
type Flatten<T> = { [K in keyof T]: T[K] };

/** The TypeScript type of an object schema's value. */
export type ObjectOf<P extends Props> = Flatten<
  { [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in Exclude<keyof P, RequiredKeys<P>>]?: Infer<P[K]> }
>;

export interface ObjectOptions<T> {
  rules?: readonly Rule<T>[];
  /** Fields that exist in Kubernetes but are not validated here: kept as written. */
  passthrough?: readonly string[];
  /** Fields that exist in Kubernetes but must not reach Portico (e.g. status): removed silently. */
  drop?: readonly string[];
  /**
   * Fields this schema requires although the model type leaves them optional
   * (the model is shared with API versions or producers that may omit them).
   */
  alsoRequired?: readonly (keyof T & string)[];
}

export interface ObjectSchema<P extends Props> extends Schema<ObjectOf<P>> {
  readonly props: P;
}

export function obj<P extends Props>(props: P, options: ObjectOptions<ObjectOf<P>> = {}): ObjectSchema<P> {
  const known = new Map<string, Schema<unknown>>(Object.entries(props));
  const required = Object.entries(props)
    .filter(([, schema]) => (schema as Partial<RequiredSchema<unknown>>).required === true)
    .map(([key]) => key)
    .concat(options.alsoRequired ?? []);
  const passthrough = new Set(options.passthrough ?? []);
  const drop = new Set(options.drop ?? []);
  const { rules } = options;
  return {
    props,
    expects: 'an object',
    check(value, ctx) {
      if (!isPlainObject(value)) {
        ctx.error(typeError('an object', value));
        return false;
      }
      const before = ctx.errors;
      for (const key in value) {
        const schema = known.get(key);
        if (schema === undefined) {
          if (passthrough.has(key)) continue;
          if (!drop.has(key)) ctx.warn(unknownField(key, known), [key]);
          delete value[key];
          continue;
        }
        const field = value[key];
        if (field === null || field === undefined) {
          // The API server prunes nulls from non-nullable fields: null means unset.
          delete value[key];
          continue;
        }
        ctx.path.push(key);
        schema.check(field, ctx);
        ctx.path.pop();
      }
      for (const key of required) {
        if (value[key] === undefined) ctx.error('required field is missing', [key]);
      }
      if (ctx.errors === before) runRules(rules, value as ObjectOf<P>, ctx);
      return ctx.errors === before;
    },
  };
}

function unknownField(key: string, known: Map<string, unknown>): string {
  const suggestion = closestName(key, known.keys());
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return `unknown field "${key}" ignored${hint}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- type checks

/** Deep structural form of a type: intersections flattened, so equal shapes compare equal. */
export type Shape<T> = T extends readonly (infer I)[]
  ? Shape<I>[]
  : T extends object
    ? { [K in keyof T]: Shape<T[K]> }
    : T;

/** True when A and B are the same type (not merely assignable). */
export type Same<A, B> = (<X>() => X extends Shape<A> ? 1 : 2) extends <X>() => X extends Shape<B> ? 1 : 2 ? true : false;

/** Compile-time assertion: `type _ = Assert<Same<A, B>>` fails to compile when they differ. */
export type Assert<T extends true> = T;
