// YAML text → validated objects with file/line diagnostics. A file holds any
// number of documents (---); empty documents are skipped and `kind: List`
// documents are expanded into their items, as kubectl does. How the YAML is
// read (fast reader or yaml package, see yaml/read-slice.ts) does not show
// here; re-parsing with the previous result reuses unchanged documents
// (reuse.ts).
import type { SourceLocation } from '../model/meta.ts';
import type { AnyObject } from '../model/resources.ts';
import type { Diagnostic } from './diagnostics.ts';
import { formatFieldPath } from './diagnostics.ts';
import type { DocumentOutcome, ReadDocumentRecord } from './reuse.ts';
import { DocumentReuse, moveLines } from './reuse.ts';
import type { Path } from './schema/dsl.ts';
import { isPlainObject } from './schema/dsl.ts';
import type { ObjectIdentity } from './validate.ts';
import { validateObject } from './validate.ts';
import { objectKey } from './resourceset.ts';
import type { DocumentSlice } from './yaml/documents.ts';
import { countNewlines, splitDocuments } from './yaml/documents.ts';
import { hasOnlyUsualCharacters } from './yaml/fast-reader.ts';
import type { ReadDocument } from './yaml/read.ts';
import { readSlice } from './yaml/read-slice.ts';
import { readWithYamlPackage } from './yaml/read.ts';

export interface LoadedObject {
  object: AnyObject;
  source: SourceLocation;
  /** objectKey(object), worked out once. */
  key: string;
}

/** An object that was read but failed validation: kept out of the ResourceSet. */
export interface RejectedObject {
  kind: string;
  namespace?: string;
  name: string;
  source: SourceLocation;
}

export interface ParseResult {
  objects: LoadedObject[];
  diagnostics: Diagnostic[];
  /** True when any document in the file is not well-formed YAML (its objects are missing from `objects`). */
  syntaxError: boolean;
  /** Objects rejected by validation whose kind and name could be read (the file provider keeps their last valid version). */
  rejected: RejectedObject[];
  /** For the next parse of the same file: the outcome of each document, by its text (files of several documents only). */
  reuse?: DocumentReuse;
}

/**
 * Parses and validates a file. With `previous` (the last result for the same
 * file), documents whose text is unchanged are not read or validated again:
 * their objects, the same instances, come back with their lines moved.
 */
export function parseManifests(text: string, file: string, previous?: ParseResult): ParseResult {
  const result: ParseResult = { objects: [], diagnostics: [], syntaxError: false, rejected: [] };
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const slices = splitDocuments(source);
  if (slices === undefined) {
    for (const doc of readWithYamlPackage(source)) add(result, readDocumentOutcome(doc, file));
    return result;
  }
  // A file of one document is re-read whole or not at all (the provider compares file hashes).
  if (slices.length === 1) {
    for (const doc of readSlice(source, slices[0] as DocumentSlice, 0, false).documents) add(result, readDocumentOutcome(doc, file));
    return result;
  }
  const texts = slices.map((slice) => source.slice(slice.outerStart, slice.outerEnd));
  const reusable = previous?.reuse?.file === file ? previous.reuse : undefined;
  const kept = reusable?.match(texts) ?? [];
  // Checked once for a whole file; documents one by one when most are reused.
  const usualText = reusable === undefined && hasOnlyUsualCharacters(source);
  const records: ReadDocumentRecord[] = [];
  let line = 0;
  for (const [i, slice] of slices.entries()) {
    const text = texts[i] as string;
    const newlines = kept[i]?.newlines ?? countNewlines(source, slice.outerStart, slices[i + 1]?.outerStart ?? source.length);
    const record = kept[i];
    if (record !== undefined) {
      const outcome = moveLines(record.outcome, line - record.line);
      records.push({ text, line, newlines, outcome });
      add(result, outcome);
    } else {
      const read = readSlice(source, slice, line, usualText);
      const outcomes = read.documents.map((doc) => readDocumentOutcome(doc, file));
      for (const outcome of outcomes) add(result, outcome);
      // What a slice read alone gives depends on its text alone, except when it took in the rest.
      if (read.toEnd) break;
      records.push({ text, line, newlines, outcome: outcomes[0] ?? EMPTY_OUTCOME });
    }
    line += newlines;
  }
  result.reuse = new DocumentReuse(file, records);
  return result;
}

const EMPTY_OUTCOME: DocumentOutcome = { objects: [], rejected: [], diagnostics: [], syntaxError: false };

function add(result: DocumentOutcome, outcome: DocumentOutcome): void {
  result.objects.push(...outcome.objects);
  result.rejected.push(...outcome.rejected);
  result.diagnostics.push(...outcome.diagnostics);
  if (outcome.syntaxError) result.syntaxError = true;
}

function readDocumentOutcome(doc: ReadDocument, file: string): DocumentOutcome {
  const outcome: DocumentOutcome = { objects: [], rejected: [], diagnostics: [], syntaxError: false };
  for (const problem of doc.problems) {
    if (problem.severity === 'error') outcome.syntaxError = true;
    outcome.diagnostics.push({ severity: problem.severity, file, line: problem.line, message: problem.message });
  }
  if (doc.value !== null && doc.value !== undefined) readObjects(doc.value, [], { doc, file, outcome });
  return outcome;
}

interface DocumentContext {
  doc: ReadDocument;
  file: string;
  outcome: DocumentOutcome;
}

function readObjects(value: unknown, base: Path, ctx: DocumentContext): void {
  if (isPlainObject(value) && value.kind === 'List' && value.apiVersion === 'v1') {
    const items = value.items ?? [];
    if (!Array.isArray(items)) {
      ctx.outcome.diagnostics.push(diagnostic(ctx, 'error', [...base, 'items'], 'the items of a List must be a list of objects'));
      return;
    }
    items.forEach((item, i) => readObjects(item, [...base, 'items', i], ctx));
    return;
  }
  const validation = validateObject(value);
  const identity = validation.identity;
  for (const issue of validation.issues) {
    ctx.outcome.diagnostics.push(diagnostic(ctx, issue.severity, [...base], issue.message, issue.path, identity));
  }
  const source = { file: ctx.file, line: ctx.doc.lineOf(base) };
  if (validation.object !== undefined) ctx.outcome.objects.push({ object: validation.object, source, key: objectKey(validation.object) });
  else if (!validation.ignored && identity?.name !== undefined) ctx.outcome.rejected.push({ ...identity, name: identity.name, source });
}

function diagnostic(
  ctx: DocumentContext,
  severity: Diagnostic['severity'],
  base: Path,
  message: string,
  field: Path = [],
  identity?: ObjectIdentity,
): Diagnostic {
  return {
    severity,
    file: ctx.file,
    line: ctx.doc.lineOf([...base, ...field]),
    ...(identity === undefined ? {} : { kind: identity.kind }),
    ...(identity?.namespace === undefined ? {} : { namespace: identity.namespace }),
    ...(identity?.name === undefined ? {} : { name: identity.name }),
    ...(field.length === 0 ? {} : { field: formatFieldPath(field) }),
    message,
  };
}
