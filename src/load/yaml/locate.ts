// Finds the line of a field inside a parsed YAML document, for diagnostics.
// Only run when there is something to report, so validation itself never
// walks the syntax tree.
import type { Document, LineCounter, Node } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';

/**
 * The 1-based line of `path` inside `doc`: the line of the key for a map
 * entry, of the item for a list entry. When the path goes past what the file
 * contains (a missing required field), the line of the deepest part that
 * exists.
 */
export function lineOf(doc: Document, path: readonly (string | number)[], lines: LineCounter): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return lines.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
