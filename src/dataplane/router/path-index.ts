// Exact and PathPrefix candidates for a request path:
//   - Exact paths: one map lookup by the whole path;
//   - PathPrefix: a trie of path elements ("/a/b" is root → "a" → "b"); the
//     walk follows the request path's elements and stops at the first one
//     with no child, and every node passed holds the entries whose prefix
//     ends there. That is PathPrefix's element-by-element rule by
//     construction: "/abc" never reaches the node of "/ab".
// (Measured here: for nodes with many children, V8's native string hashing
// of element slices beats hashing the path's characters in JavaScript by
// about 2x; nodes with few compare in place, see LookupNode.)
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
 * A trie node as lookups read it. Children are found one of two ways, so that
 * the common shapes cost no allocation: a node with a few children (the
 * middle of "/api/v1/...", a host's handful of prefixes) compares the
 * request's element in place against each key; a node with many (1,000
 * "/team-N" prefixes) slices the element out once and asks a Map.
 */
interface LookupNode {
  entries: CompiledEntry[];
  /** Keys of a node with at most FEW_CHILDREN children, in step with `nodes`; undefined otherwise. */
  keys: string[] | undefined;
  nodes: LookupNode[];
  /** The children of a node with more than FEW_CHILDREN; undefined otherwise. */
  map: Map<string, LookupNode> | undefined;
  hasChildren: boolean;
}

/** Up to this many children, comparing in place beats slicing the element and hashing it (measured on 1,000 prefixes and on 250 hosts of 4). */
const FEW_CHILDREN = 8;

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

function lookupNode(node: BuildNode): LookupNode {
  const children = [...(node.children ?? [])].map(([key, child]) => [key, lookupNode(child)] as const);
  const few = children.length <= FEW_CHILDREN;
  return {
    entries: node.entries,
    keys: few ? children.map(([key]) => key) : undefined,
    nodes: few ? children.map(([, child]) => child) : [],
    map: few ? undefined : new Map(children),
    hasChildren: children.length > 0,
  };
}

/** The child of `node` named by path[start, end), if any. */
function childAt(node: LookupNode, path: string, start: number, end: number): LookupNode | undefined {
  const keys = node.keys;
  if (keys === undefined) return node.map?.get(path.slice(start, end));
  const length = end - start;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key.length === length && path.startsWith(key, start)) return node.nodes[i];
  }
  return undefined;
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
    while (node?.hasChildren === true) {
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
