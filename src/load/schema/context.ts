// The core of the schema language (see dsl.ts): the validation context,
// schemas and rules as types, and how values are shown in messages.

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

export function runRules<T>(rules: readonly Rule<T>[] | undefined, value: T, ctx: Context): void {
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

export function typeError(expects: string, value: unknown): string {
  const got = typeof value === 'string' ? `the string ${show(value)}` : show(value);
  return `must be ${expects}, got ${got}`;
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
