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

export function buildResourceSet(objects: readonly LoadedObject[]): { resources: ResourceSet; diagnostics: Diagnostic[] } {
  const resources = emptyResourceSet();
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, LoadedObject>();
  for (const loaded of objects) {
    const { object, key } = loaded;
    const first = seen.get(key);
    if (first !== undefined) {
      diagnostics.push(duplicateObject(loaded, first));
      continue;
    }
    seen.set(key, loaded);
    (resources[KIND_TO_FIELD[object.kind]] as AnyObject[]).push(object);
  }
  return { resources, diagnostics };
}

/** The error for `loaded`, a second definition of an object `first` already defines. */
export function duplicateObject(loaded: LoadedObject, first: LoadedObject): Diagnostic {
  const { object, source } = loaded;
  return {
    severity: 'error',
    file: source.file,
    line: source.line,
    kind: object.kind,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: object.metadata.name,
    message: `duplicate object: already defined at ${first.source.file}:${first.source.line}, which is the one used`,
  };
}
