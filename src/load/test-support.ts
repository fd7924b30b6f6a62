// Helpers for the loader's tests: YAML written inline, indented with the code,
// and the runner for the schema rule tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from './diagnostics.ts';
import { formatDiagnostic } from './diagnostics.ts';
import { parseManifests } from './parse.ts';

/** Removes the common indentation and the first newline of a template literal. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Indents every line of `text` by `spaces` (to nest a snippet under a key). */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}

export function errorsOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

export function warningsOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
}

export interface SchemaCase {
  name: string;
  /** YAML for everything after metadata (line 5 on); spec() nests a snippet under "spec:" (snippet line 1 = file line 6). */
  body: string;
  /** Expected error as [line, field, message] (or several); absent when the object must load. */
  error?: Expected | Expected[];
  /** Expected warning (the object still loads). */
  warning?: Expected;
}

type Expected = [line: number, field: string, message: string];

/** "spec:" followed by the snippet, indented: the snippet's first line is line 6 of the file. */
export function spec(snippet: string): string {
  return `spec:\n${indent(snippet, 2)}`;
}

/**
 * A document for a table case: apiVersion, kind, and metadata.name "web" on
 * lines 1-4, then `body`.
 */
export function caseDocument(apiVersion: string, kind: string, body: string): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: web\n${body}${body.endsWith('\n') ? '' : '\n'}`;
}

/**
 * Runs a table: each case is one document; a case with `error` must be
 * rejected with exactly that error, any other must load with no error.
 */
export function schemaTable(apiVersion: string, kind: string, cases: readonly SchemaCase[], options: { clusterScoped?: boolean } = {}): void {
  const who = `${kind} ${options.clusterScoped === true ? '' : 'default/'}web`;
  const format = ([line, field, message]: Expected) => `case.yaml:${line}: ${who}: ${field === '' ? '' : `${field}: `}${message}`;
  for (const c of cases) {
    test(`${kind} ${apiVersion}: ${c.name}`, () => {
      const result = parseManifests(caseDocument(apiVersion, kind, c.body), 'case.yaml');
      const expected = c.error === undefined ? [] : isList(c.error) ? c.error : [c.error];
      assert.deepEqual(errorsOf(result.diagnostics), expected.map(format));
      assert.deepEqual(warningsOf(result.diagnostics), c.warning === undefined ? [] : [format(c.warning)]);
      assert.equal(result.objects.length, c.error === undefined ? 1 : 0);
    });
  }
}

function isList(error: Expected | Expected[]): error is Expected[] {
  return Array.isArray(error[0]);
}
