// Exact and PathPrefix candidates for a request path:
//   - Exact paths: one map lookup by the whole path;
//   - PathPrefix: a trie of path elements ("/a/b" is root → "a" → "b"); the
//     walk follows the request path's elements and stops at the first one
//     with no child, and every node passed holds the entries whose prefix
//     ends there. That is PathPrefix's element-by-element rule by
//     construction: "/abc" never reaches the node of "/ab".
import { firstAccepted, type CompiledEntry } from './entry.ts';
import type { RouteRequest } from './request.ts';

export interface PathIndex {
  /** The best entry among those whose Exact path or PathPrefix covers the request path, if better than `best`. */
  best(req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined;
}

/** A trie node while the index is being built. */
interface BuildNode {
  /** Entries whose prefix ends here, sorted by position (added in IR order). */
  entries: CompiledEntry[];
  children: Map<string, BuildNode> | undefined;
}

/**
 * A trie node as lookups read it. Its children's names are compared in place
 * with the request's element, never sliced out of the path (a fresh string to
 * allocate and hash per element): a node with a few children (the middle of
 * "/api/v1/...", a host's handful of prefixes) tries each name; a node with
 * many (1,000 "/team-N" prefixes) first hashes the element's characters into
 * an open-addressing slot table, then compares the one or two names there.
 */
interface LookupNode {
  entries: CompiledEntry[];
  /** Child names, in step with `nodes`. */
  keys: string[];
  nodes: LookupNode[];
  /** With more than FEW_CHILDREN children: slot → child index + 1 (0: empty), a power-of-two size; otherwise undefined. */
  slots: Int32Array | undefined;
}

/** Up to this many children, trying each name beats hashing the element (measured on 1,000 prefixes and on 250 hosts of 4). */
const FEW_CHILDREN = 8;

/** FNV-1a over path[start, end): the same for a child's name at build time and for a request element. */
function elementHash(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const SLASH = 0x2f;

export class PathIndexBuilder {
  readonly #exact = new Map<string, CompiledEntry[]>();
  readonly #root: BuildNode = { entries: [], children: undefined };

  addExact(path: string, entry: CompiledEntry): void {
    const list = this.#exact.get(path);
    if (list === undefined) this.#exact.set(path, [entry]);
    else list.push(entry);
  }

  /**
   * PathPrefix semantics: a trailing "/" is ignored, so "/" is the root and
   * "/a/" is "/a". A prefix not starting with "/" (translate never writes
   * one) goes to a separate trie that only paths not starting with "/"
   * (never valid after normalisation) walk.
   */
  addPrefix(prefix: string, entry: CompiledEntry): void {
    const key = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    let node = this.#root;
    if (key !== '') {
      const elements = key.charCodeAt(0) === SLASH ? key.slice(1).split('/') : [NOT_ABSOLUTE, ...key.split('/')];
      for (const element of elements) node = childOf(node, element);
    }
    node.entries.push(entry);
  }

  build(): PathIndex {
    const notAbsolute = this.#root.children?.get(NOT_ABSOLUTE);
    this.#root.children?.delete(NOT_ABSOLUTE);
    return new TriePathIndex(this.#exact, lookupNode(this.#root), notAbsolute === undefined ? undefined : lookupNode(notAbsolute));
  }
}

/** The root child for prefixes that do not start with "/" (split off at build: no request path element can equal it). */
const NOT_ABSOLUTE = '/';

function childOf(node: BuildNode, element: string): BuildNode {
  node.children ??= new Map();
  let child = node.children.get(element);
  if (child === undefined) {
    child = { entries: [], children: undefined };
    node.children.set(element, child);
  }
  return child;
}

/** Shared by every leaf (most nodes): never written to. */
const NO_KEYS: string[] = [];
const NO_NODES: LookupNode[] = [];

function lookupNode(node: BuildNode): LookupNode {
  const children = node.children;
  if (children === undefined) return { entries: node.entries, keys: NO_KEYS, nodes: NO_NODES, slots: undefined };
  const keys = [...children.keys()];
  const nodes: LookupNode[] = [];
  for (const child of children.values()) nodes.push(lookupNode(child));
  return { entries: node.entries, keys, nodes, slots: keys.length > FEW_CHILDREN ? slotTable(keys) : undefined };
}

/** Slots for `keys` at a load of at most 1/2, so probes stay short. */
function slotTable(keys: readonly string[]): Int32Array {
  let size = 16;
  while (size < keys.length * 2) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  keys.forEach((key, index) => {
    let slot = elementHash(key, 0, key.length) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = index + 1;
  });
  return slots;
}

/** The child of `node` named by path[start, end), if any. */
function childAt(node: LookupNode, path: string, start: number, end: number): LookupNode | undefined {
  const keys = node.keys;
  const length = end - start;
  const slots = node.slots;
  if (slots === undefined) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key.length === length && path.startsWith(key, start)) return node.nodes[i];
    }
    return undefined;
  }
  const mask = slots.length - 1;
  for (let slot = elementHash(path, start, end) & mask; ; slot = (slot + 1) & mask) {
    const index = (slots[slot] as number) - 1;
    if (index < 0) return undefined;
    const key = keys[index] as string;
    if (key.length === length && path.startsWith(key, start)) return node.nodes[index];
  }
}

class TriePathIndex implements PathIndex {
  readonly #exact: Map<string, CompiledEntry[]>;
  readonly #root: LookupNode;
  readonly #notAbsolute: LookupNode | undefined;
  readonly #hasExact: boolean;

  constructor(exact: Map<string, CompiledEntry[]>, root: LookupNode, notAbsolute: LookupNode | undefined) {
    this.#exact = exact;
    this.#root = root;
    this.#notAbsolute = notAbsolute;
    this.#hasExact = exact.size > 0;
  }

  best(req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined {
    const path = req.path;
    if (this.#hasExact) {
      const exact = this.#exact.get(path);
      if (exact !== undefined) best = firstAccepted(exact, req, best);
    }
    let node: LookupNode | undefined;
    let start: number;
    if (path.charCodeAt(0) === SLASH) {
      node = this.#root;
      if (node.entries.length > 0) best = firstAccepted(node.entries, req, best);
      start = 1;
    } else {
      node = this.#notAbsolute;
      start = 0;
    }
    while (node !== undefined && node.keys.length > 0) {
      const slash = path.indexOf('/', start);
      node = childAt(node, path, start, slash < 0 ? path.length : slash);
      if (node === undefined) break;
      if (node.entries.length > 0) best = firstAccepted(node.entries, req, best);
      if (slash < 0) break;
      start = slash + 1;
    }
    return best;
  }
}
