// Exact and PathPrefix candidates for a request path:
//   - Exact paths: one map lookup by the whole path;
//   - PathPrefix: a trie of path elements ("/a/b" is root → "a" → "b"); the
//     walk follows the request path's elements and stops at the first one
//     with no child, and every node passed holds the entries whose prefix
//     ends there. That is PathPrefix's element-by-element rule by
//     construction: "/abc" never reaches the node of "/ab".
// (Measured here: V8's native string hashing of element slices beats
// hashing the path's characters in JavaScript by about 2x.)
import { firstAccepted, type CompiledEntry } from './entry.ts';
import type { RouteRequest } from './request.ts';

export interface PathIndex {
  /** The best entry among those whose Exact path or PathPrefix covers the request path, if better than `best`. */
  best(req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined;
}

interface PrefixNode {
  /** Entries whose prefix ends here, sorted by position (added in IR order). */
  entries: CompiledEntry[];
  children: Map<string, PrefixNode> | undefined;
}

const SLASH = 0x2f;

export class PathIndexBuilder {
  readonly #exact = new Map<string, CompiledEntry[]>();
  readonly #root: PrefixNode = { entries: [], children: undefined };

  addExact(path: string, entry: CompiledEntry): void {
    const list = this.#exact.get(path);
    if (list === undefined) this.#exact.set(path, [entry]);
    else list.push(entry);
  }

  /**
   * PathPrefix semantics: a trailing "/" is ignored, so "/" is the root and
   * "/a/" is "/a". A prefix not starting with "/" (translate never writes
   * one) hangs under a child of the root that no "/..." path reaches, so it
   * only ever matches paths that do not start with "/" either.
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
    return new TriePathIndex(this.#exact, this.#root);
  }
}

/** The root child for prefixes that do not start with "/"; no element of a request path can equal it. */
const NOT_ABSOLUTE = '/';

function childOf(node: PrefixNode, element: string): PrefixNode {
  node.children ??= new Map();
  let child = node.children.get(element);
  if (child === undefined) {
    child = { entries: [], children: undefined };
    node.children.set(element, child);
  }
  return child;
}

class TriePathIndex implements PathIndex {
  readonly #exact: Map<string, CompiledEntry[]>;
  readonly #root: PrefixNode;
  readonly #hasExact: boolean;

  constructor(exact: Map<string, CompiledEntry[]>, root: PrefixNode) {
    this.#exact = exact;
    this.#root = root;
    this.#hasExact = exact.size > 0;
  }

  best(req: RouteRequest, best: CompiledEntry | undefined): CompiledEntry | undefined {
    const path = req.path;
    if (this.#hasExact) {
      const exact = this.#exact.get(path);
      if (exact !== undefined) best = firstAccepted(exact, req, best);
    }
    let node: PrefixNode | undefined = this.#root;
    let start: number;
    if (path.charCodeAt(0) === SLASH) {
      best = firstAccepted(node.entries, req, best);
      start = 1;
    } else {
      node = node.children?.get(NOT_ABSOLUTE);
      start = 0;
    }
    while (node?.children !== undefined) {
      const slash = path.indexOf('/', start);
      node = node.children.get(slash < 0 ? path.slice(start) : path.slice(start, slash));
      if (node === undefined) break;
      best = firstAccepted(node.entries, req, best);
      if (slash < 0) break;
      start = slash + 1;
    }
    return best;
  }
}
