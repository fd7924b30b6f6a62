// The loader: YAML manifests → validated, typed objects → a ResourceSet, with
// diagnostics that name the file, line, object and field. No I/O here: the
// file provider reads the files.
export type { Diagnostic } from './diagnostics.ts';
export { compareDiagnostics, formatDiagnostic, formatFieldPath } from './diagnostics.ts';
export type { LoadedObject, ParseResult, RejectedObject } from './parse.ts';
export { parseManifests } from './parse.ts';
export { buildResourceSet, duplicateObject, objectKey } from './resourceset.ts';
