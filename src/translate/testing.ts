// Test support: multi-document YAML manifests → a ResourceSet (objects sorted
// into their kind's field, as written: no defaults, no validation), so tests
// state their inputs the way users write them.
import { parseAllDocuments } from 'yaml';
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import { emptyResourceSet, KIND_TO_FIELD } from '../model/resources.ts';

export function resourcesFromYaml(text: string): ResourceSet {
  const resources = emptyResourceSet();
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
    const object = document.toJS() as AnyObject | null;
    if (object === null) continue;
    if (!Object.hasOwn(KIND_TO_FIELD, object.kind)) throw new Error(`unknown kind ${String(object.kind)}`);
    (resources[KIND_TO_FIELD[object.kind]] as AnyObject[]).push(object);
  }
  return resources;
}

export const TEST_CONTROLLER = 'portico.dev/gateway-controller';
export const TEST_NOW = '2026-01-01T00:00:00Z';
