// Values that fit on one line, for the fast reader (fast-reader.ts): quoted
// scalars and flow collections ("[a, b]", "{k: v}"), read exactly as the
// yaml package reads them, or refused (UNSUPPORTED) so that the yaml package
// reads the document. Also the character classes both readers share.
import { decodeEscape, resolvePlain } from './scalars.ts';

/** Thrown (once allocated, never with a fresh stack) when the text is not one the fast reader handles. */
export const UNSUPPORTED = new Error('YAML outside the fast reader');

export function fail(): never {
  throw UNSUPPORTED;
}

export const SPACE = 0x20;
export const NEWLINE = 0x0a;
export const CR = 0x0d;
export const HASH = 0x23;
export const COLON = 0x3a;
export const DASH = 0x2d;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
export const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;

/** Keys whose YAML value is not an own string property of a plain object: merge keys and the prototype. */
export const SPECIAL_KEYS = new Set(['<<', '__proto__']);

/** Characters that cannot start a plain scalar or key here (YAML 1.2 c-indicator, less the ones handled). */
export function isIndicator(code: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return (
    code === DASH || code === 0x3f || code === COLON || code === COMMA || code === LBRACKET || code === RBRACKET ||
    code === LBRACE || code === RBRACE || code === HASH || code === 0x26 || code === 0x2a || code === 0x21 ||
    code === 0x7c || code === 0x3e || code === SQUOTE || code === DQUOTE || code === 0x25 || code === 0x40 || code === 0x60
  );
}

/** A plain key that the core schema reads as a string (most keys: a letter other than n, t, f first). */
export function isStringKey(key: string): boolean {
  const first = key.charCodeAt(0);
  const plainLetter = (first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a);
  if (plainLetter && first !== 0x6e && first !== 0x4e && first !== 0x74 && first !== 0x54 && first !== 0x66 && first !== 0x46) return true;
  return typeof resolvePlain(key) === 'string';
}

/** Reading state on one line: the text, where the line's content ends, and where the last value read stopped. */
export class InlineReader {
  protected readonly text: string;
  /** End of the current line's content (before any CR and the newline). */
  protected contentEnd = 0;
  /** Where the last value read stopped. */
  protected cursor = 0;
  /**
   * When locating: where each entry of each map and list read starts, as
   * flat triples (container, key, offset): a document has a few dozen
   * entries, and few are ever looked up (see placeOf()).
   */
  readonly #positions: unknown[] | undefined;

  constructor(text: string, locating: boolean) {
    this.text = text;
    this.#positions = locating ? [] : undefined;
  }

  /** When locating, records that entry `key` of `container` starts at `at` (a map's key, a list's item). */
  protected place(container: object, key: string | number, at: number): void {
    this.#positions?.push(container, key, at);
  }

  /** Where entry `key` of `container` starts, if recorded. */
  protected placeOf(container: object, key: string | number): number | undefined {
    const positions = this.#positions ?? [];
    for (let i = 0; i < positions.length; i += 3) {
      if (positions[i] === container && String(positions[i + 1]) === String(key)) return positions[i + 2] as number;
    }
    return undefined;
  }

  /** A single- or double-quoted scalar closed on the same line. */
  protected quoted(at: number): string {
    const text = this.text;
    const quote = text.charCodeAt(at);
    let out = '';
    let from = at + 1;
    for (let c = from; c < this.contentEnd; c++) {
      const code = text.charCodeAt(c);
      if (code === quote) {
        if (quote === SQUOTE && text.charCodeAt(c + 1) === SQUOTE && c + 1 < this.contentEnd) {
          out += text.slice(from, c + 1);
          from = ++c + 1;
          continue;
        }
        this.cursor = c + 1;
        return out + text.slice(from, c);
      }
      if (code === 0x5c && quote === DQUOTE) {
        const escape = decodeEscape(text, c + 1, this.contentEnd);
        if (escape === undefined) fail();
        out += text.slice(from, c) + escape.decoded;
        c += escape.length;
        from = c + 1;
      }
    }
    return fail(); // continues on the next line
  }

  // ------------------------------------------------------------- flow collections on one line

  protected flow(at: number): unknown {
    return this.text.charCodeAt(at) === LBRACKET ? this.flowSequence(at) : this.flowMapping(at);
  }

  protected skipSpaces(at: number): number {
    let c = at;
    while (c < this.contentEnd && this.text.charCodeAt(c) === SPACE) c++;
    return c;
  }

  private flowSequence(at: number): unknown[] {
    const list: unknown[] = [];
    let c = this.skipSpaces(at + 1);
    if (this.text.charCodeAt(c) === RBRACKET) {
      this.cursor = c + 1;
      return list;
    }
    for (;;) {
      this.place(list, list.length, c);
      list.push(this.flowNode(c));
      c = this.skipSpaces(this.cursor);
      const code = this.text.charCodeAt(c);
      if (c < this.contentEnd && code === RBRACKET) {
        this.cursor = c + 1;
        return list;
      }
      if (c >= this.contentEnd || code !== COMMA) fail();
      c = this.skipSpaces(c + 1);
      if (this.text.charCodeAt(c) === RBRACKET) fail(); // a trailing comma
    }
  }

  private flowMapping(at: number): Record<string, unknown> {
    const text = this.text;
    const map: Record<string, unknown> = {};
    let c = this.skipSpaces(at + 1);
    if (text.charCodeAt(c) === RBRACE) {
      this.cursor = c + 1;
      return map;
    }
    for (;;) {
      const code = text.charCodeAt(c);
      const keyStart = c;
      const key = code === DQUOTE || code === SQUOTE ? this.quoted(c) : this.plainInFlow(c);
      if (SPECIAL_KEYS.has(key) || (code !== DQUOTE && code !== SQUOTE && !isStringKey(key))) fail();
      c = this.skipSpaces(this.cursor);
      if (!(text.charCodeAt(c) === COLON && text.charCodeAt(c + 1) === SPACE && c + 1 < this.contentEnd)) fail();
      c = this.skipSpaces(c + 1);
      const next = text.charCodeAt(c);
      if (c >= this.contentEnd || next === COMMA || next === RBRACE) fail(); // a key without a value
      if (Object.hasOwn(map, key)) fail();
      this.place(map, key, keyStart);
      map[key] = this.flowNode(c);
      c = this.skipSpaces(this.cursor);
      const after = text.charCodeAt(c);
      if (c < this.contentEnd && after === RBRACE) {
        this.cursor = c + 1;
        return map;
      }
      if (c >= this.contentEnd || after !== COMMA) fail();
      c = this.skipSpaces(c + 1);
      if (text.charCodeAt(c) === RBRACE) fail(); // a trailing comma
    }
  }

  private flowNode(at: number): unknown {
    if (at >= this.contentEnd) fail();
    const code = this.text.charCodeAt(at);
    if (code === DQUOTE || code === SQUOTE) return this.quoted(at);
    if (code === LBRACKET || code === LBRACE) return this.flow(at);
    const source = this.plainInFlow(at);
    // "[a: b]" is a mapping inside a sequence: left to the yaml package.
    const c = this.skipSpaces(this.cursor);
    if (this.text.charCodeAt(c) === COLON && c < this.contentEnd) fail();
    return resolvePlain(source);
  }

  /** A plain scalar inside a flow collection: up to a flow indicator, ": ", or a comment. */
  private plainInFlow(at: number): string {
    const text = this.text;
    const first = text.charCodeAt(at);
    if (isIndicator(first)) {
      const next = text.charCodeAt(at + 1);
      if (first !== DASH || at + 1 >= this.contentEnd || next === SPACE || next === COMMA || next === RBRACKET || next === RBRACE) fail();
    }
    let c = at + 1;
    for (; c < this.contentEnd; c++) {
      const code = text.charCodeAt(c);
      if (code === COMMA || code === LBRACKET || code === RBRACKET || code === LBRACE || code === RBRACE) break;
      if (code === HASH && text.charCodeAt(c - 1) === SPACE) fail(); // a comment inside an open collection
      if (code === COLON) {
        const next = text.charCodeAt(c + 1);
        if (c + 1 >= this.contentEnd || next === SPACE || next === COMMA || next === RBRACKET || next === RBRACE) break;
      }
    }
    let end = c;
    while (text.charCodeAt(end - 1) === SPACE) end--;
    this.cursor = end;
    return text.slice(at, end);
  }
}
