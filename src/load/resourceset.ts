// Loaded objects → one ResourceSet. Objects arrive in path order (file path,
// then position in the file); when two define the same kind/namespace/name,
// the first wins and the other is reported, so the outcome never depends on
// the order the files were read in.
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import { emptyResourceSet, KIND_TO_FIELD } from '../model/resources.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { LoadedObject } from './parse.ts';

/** "Kind/namespace/name" ("Kind//name" for cluster-scoped kinds). */
export function objectKey(object: AnyObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * The ResourceSet of `objects`, the duplicates reported, and `winners`: the
 * object used for each key, in order.
 */
export function buildResourceSet(objects: readonly LoadedObject[]): { resources: ResourceSet; diagnostics: Diagnostic[]; winners: Map<string, LoadedObject> } {
  const resources = emptyResourceSet();
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, LoadedObject>();
  for (const loaded of objects) {
    const { object, source } = loaded;
    const key = objectKey(object);
    const first = seen.get(key);
    if (first !== undefined) {
      diagnostics.push({
        severity: 'error',
        file: source.file,
        line: source.line,
        kind: object.kind,
        ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
        name: object.metadata.name,
        message: `duplicate object: already defined at ${first.source.file}:${first.source.line}, which is the one used`,
      });
      continue;
    }
    seen.set(key, loaded);
    (resources[KIND_TO_FIELD[object.kind]] as AnyObject[]).push(object);
  }
  return { resources, diagnostics, winners: seen };
}
