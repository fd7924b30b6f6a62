// RequestHeaderModifier / ResponseHeaderModifier on raw flat header arrays
// ([name, value, name, value, ...]), the form Node's parser gives and its
// writer takes. Header names are case-insensitive (RFC 9110 §5.1): edits match
// any spelling, and names the edit writes keep the spelling the user gave.
import type { IRHeaderEdits } from '../../ir/types.ts';

interface CompiledEdits {
  /** Lowercase name → the header to write; a name set twice keeps its last value. */
  set: Map<string, { name: string; value: string }>;
  add: Array<{ lower: string; name: string; value: string }>;
  remove: Set<string>;
  empty: boolean;
}

// Edits are IR objects that live as long as their configuration: compile each
// once, on first use, and let it go with the configuration.
const compiledEdits = new WeakMap<IRHeaderEdits, CompiledEdits>();

/**
 * Applies `edits` as the IR defines them: set (replace every value of a name,
 * or create it), then add (append one more line for the name), then remove
 * (drop every line of the name). Set headers take the place of the name's
 * first line, so header order is otherwise kept. Returns a new array, or the
 * input array itself when `edits` is empty.
 */
export function applyHeaderEdits(headers: string[], edits: IRHeaderEdits): string[] {
  const compiled = compile(edits);
  if (compiled.empty) return headers;
  const out: string[] = [];
  const written = new Set<string>();
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    const lower = name.toLowerCase();
    if (compiled.remove.has(lower)) continue;
    const replacement = compiled.set.get(lower);
    if (replacement === undefined) {
      out.push(name, headers[i + 1] as string);
    } else if (!written.has(lower)) {
      written.add(lower);
      out.push(replacement.name, replacement.value);
    }
  }
  for (const [lower, header] of compiled.set) {
    if (!written.has(lower) && !compiled.remove.has(lower)) out.push(header.name, header.value);
  }
  for (const header of compiled.add) {
    if (!compiled.remove.has(header.lower)) out.push(header.name, header.value);
  }
  return out;
}

function compile(edits: IRHeaderEdits): CompiledEdits {
  let compiled = compiledEdits.get(edits);
  if (compiled === undefined) {
    compiled = {
      set: new Map(edits.set.map((header) => [header.name.toLowerCase(), header])),
      add: edits.add.map((header) => ({ lower: header.name.toLowerCase(), name: header.name, value: header.value })),
      remove: new Set(edits.remove.map((name) => name.toLowerCase())),
      empty: edits.set.length === 0 && edits.add.length === 0 && edits.remove.length === 0,
    };
    compiledEdits.set(edits, compiled);
  }
  return compiled;
}
