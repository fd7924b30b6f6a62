// Scalar schemas: strings (lengths, patterns, extra checks), enums, integers,
// booleans, and Kubernetes IntOrString.
import type { Schema } from './context.ts';
import { show, typeError } from './context.ts';

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
