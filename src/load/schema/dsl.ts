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

import type { Context, Infer, RequiredSchema, Rule, Schema } from './context.ts';
import { isPlainObject, runRules, show, typeError } from './context.ts';
import { closestName } from './suggest.ts';

export * from './context.ts';
export * from './scalars.ts';

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

export function obj<P extends Props>(props: P, options: ObjectOptions<ObjectOf<P>> = {}): Schema<ObjectOf<P>> {
  const known = new Map<string, Schema<unknown>>(Object.entries(props));
  const required = Object.entries(props)
    .filter(([, schema]) => (schema as Partial<RequiredSchema<unknown>>).required === true)
    .map(([key]) => key)
    .concat(options.alsoRequired ?? []);
  const passthrough = new Set(options.passthrough ?? []);
  const drop = new Set(options.drop ?? []);
  const { rules } = options;
  const unknownMessages = new Map<string, string>();
  return {
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
          if (!drop.has(key)) ctx.warn(unknownField(key, known, unknownMessages), [key]);
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

/** Messages already worked out per schema: the same typo in 40,000 routes is one search for a suggestion. */
const MAX_UNKNOWN_MESSAGES = 256;

function unknownField(key: string, known: Map<string, unknown>, messages: Map<string, string>): string {
  let message = messages.get(key);
  if (message !== undefined) return message;
  const suggestion = closestName(key, known.keys());
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  message = `unknown field "${key}" ignored${hint}`;
  if (messages.size < MAX_UNKNOWN_MESSAGES) messages.set(key, message);
  return message;
}
