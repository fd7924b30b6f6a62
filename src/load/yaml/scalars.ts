// Scalars for the fast reader (fast-reader.ts), resolved exactly as the yaml
// package resolves them with its YAML 1.2 core schema (yaml/dist/schema/core):
// the same patterns, tried in the same order, converted with the same
// functions (parseInt keeps "-0" as -0, for instance).

const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * The value of a plain (unquoted) scalar: null, boolean, number or string.
 * The core schema's null pattern is /^(?:~|[Nn]ull|NULL)?$/ and its boolean
 * pattern /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/; both are matched here by first
 * character and whole text, and only text that can be a number meets the
 * number patterns (in the schema's order: octal, decimal, hex, .inf/.nan,
 * exponent, float).
 */
export function resolvePlain(source: string): unknown {
  switch (source[0]) {
    case undefined:
      return null;
    case '~':
      return source.length === 1 ? null : source;
    case 'n':
    case 'N':
      return source === 'null' || source === 'Null' || source === 'NULL' ? null : source;
    case 't':
    case 'T':
      return source === 'true' || source === 'True' || source === 'TRUE' ? true : source;
    case 'f':
    case 'F':
      return source === 'false' || source === 'False' || source === 'FALSE' ? false : source;
    case '+':
    case '-':
    case '.':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      return resolveNumber(source);
    default:
      return source;
  }
}

function resolveNumber(source: string): number | string {
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN_INF.test(source)) {
    if (source.slice(-3).toLowerCase() === 'nan') return NaN;
    return source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
}

/** Escapes of double-quoted scalars (YAML 1.2 §5.7), as the yaml package decodes them. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

const HEX_DIGITS = /^[0-9a-fA-F]+$/;

/**
 * Decodes the escape at text[at] (the character after a backslash); returns
 * the decoded text and how many characters it used, or undefined for an
 * escape the yaml package would report as invalid.
 */
export function decodeEscape(text: string, at: number, end: number): { decoded: string; length: number } | undefined {
  const name = text[at] ?? '';
  const simple = ESCAPES[name];
  if (simple !== undefined && at < end) return { decoded: simple, length: 1 };
  const digits = name === 'x' ? 2 : name === 'u' ? 4 : name === 'U' ? 8 : 0;
  if (digits === 0 || at + digits >= end) return undefined;
  const hex = text.slice(at + 1, at + 1 + digits);
  if (!HEX_DIGITS.test(hex)) return undefined;
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) return undefined;
  return { decoded: String.fromCodePoint(code), length: 1 + digits };
}
