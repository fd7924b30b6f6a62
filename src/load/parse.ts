// YAML text → validated objects with file/line diagnostics. A file holds any
// number of documents (---); empty documents are skipped and `kind: List`
// documents are expanded into their items, as kubectl does.
import type { Document } from 'yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { SourceLocation } from '../model/meta.ts';
import type { AnyObject } from '../model/resources.ts';
import type { Diagnostic } from './diagnostics.ts';
import { formatFieldPath } from './diagnostics.ts';
import { lineOf } from './locate.ts';
import type { Path } from './schema/dsl.ts';
import { isPlainObject } from './schema/dsl.ts';
import type { ObjectIdentity } from './validate.ts';
import { validateObject } from './validate.ts';

export interface LoadedObject {
  object: AnyObject;
  source: SourceLocation;
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
}

// YAML 1.2 (the yaml package's default) with merge keys (<<), which the YAML
// 1.1 parser behind kubectl supports. One difference remains: YAML 1.1 reads
// unquoted yes/no/on/off as booleans, 1.2 as strings, so `value: on` is the
// string "on" here where kubectl would send true. Aliases are capped against
// "billion laughs".
const PARSE_OPTIONS = { merge: true, prettyErrors: true, uniqueKeys: true } as const;
const MAX_ALIASES = 100;

export function parseManifests(text: string, file: string): ParseResult {
  const result: ParseResult = { objects: [], diagnostics: [], syntaxError: false, rejected: [] };
  const lines = new LineCounter();
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const doc of parseAllDocuments(source, { ...PARSE_OPTIONS, lineCounter: lines })) {
    for (const warning of doc.warnings) {
      result.diagnostics.push({ severity: 'warning', file, line: warning.linePos?.[0].line, message: `YAML: ${firstLine(warning.message)}` });
    }
    if (doc.errors.length > 0) {
      result.syntaxError = true;
      for (const error of doc.errors) {
        result.diagnostics.push({ severity: 'error', file, line: error.linePos?.[0].line, message: `YAML syntax error: ${firstLine(error.message)}` });
      }
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      result.syntaxError = true;
      result.diagnostics.push({ severity: 'error', file, line: lineOf(doc, [], lines), message: `YAML: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document
    readDocument(value, [], { doc, lines, file, result });
  }
  return result;
}

interface DocumentContext {
  doc: Document;
  lines: LineCounter;
  file: string;
  result: ParseResult;
}

function readDocument(value: unknown, base: Path, ctx: DocumentContext): void {
  if (isPlainObject(value) && value.kind === 'List' && value.apiVersion === 'v1') {
    const items = value.items ?? [];
    if (!Array.isArray(items)) {
      ctx.result.diagnostics.push(diagnostic(ctx, 'error', [...base, 'items'], 'the items of a List must be a list of objects'));
      return;
    }
    items.forEach((item, i) => readDocument(item, [...base, 'items', i], ctx));
    return;
  }
  const validation = validateObject(value);
  const identity = validation.identity;
  for (const issue of validation.issues) {
    ctx.result.diagnostics.push(diagnostic(ctx, issue.severity, [...base], issue.message, issue.path, identity));
  }
  const source = { file: ctx.file, line: lineOf(ctx.doc, base, ctx.lines) };
  if (validation.object !== undefined) ctx.result.objects.push({ object: validation.object, source });
  else if (!validation.ignored && identity?.name !== undefined) ctx.result.rejected.push({ ...identity, name: identity.name, source });
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
    line: lineOf(ctx.doc, [...base, ...field], ctx.lines),
    ...(identity === undefined ? {} : { kind: identity.kind }),
    ...(identity?.namespace === undefined ? {} : { namespace: identity.namespace }),
    ...(identity?.name === undefined ? {} : { name: identity.name }),
    ...(field.length === 0 ? {} : { field: formatFieldPath(field) }),
    message,
  };
}

/** The yaml package's messages end with "at line L, column C:" and a code frame; the line is reported separately. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column (\d+):?$/, ' (column $1)').replace(/:$/, '');
}
