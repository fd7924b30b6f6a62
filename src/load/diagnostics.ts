// Diagnostics: what is wrong with the input, where (file, line, object,
// field), and what is allowed. Shared by the loader, the file provider, the
// control loop's logs and `portico check`.

export interface Diagnostic {
  severity: 'error' | 'warning';
  file?: string;
  /** 1-based line of the offending field (or of the object). */
  line?: number;
  kind?: string;
  namespace?: string;
  name?: string;
  /** e.g. "spec.rules[0].matches[1].path.value" */
  field?: string;
  /** Says what is wrong and what is allowed. */
  message: string;
}

/**
 * One line: "routes/web.yaml:14: HTTPRoute default/web: spec.rules[0].matches[0].path.value: must start with '/'".
 * Parts that are unknown are left out; the severity is not included (callers prefix it if they wish).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(d.line === undefined ? d.file : `${d.file}:${d.line}`);
  if (d.kind !== undefined || d.name !== undefined) {
    const name = d.name === undefined ? '' : d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
    parts.push([d.kind, name].filter((s) => s !== undefined && s !== '').join(' '));
  }
  if (d.field !== undefined && d.field !== '') parts.push(d.field);
  parts.push(d.message);
  return parts.join(': ');
}

/** A field path as users write it: "spec.rules[0].matches", with odd map keys in brackets. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${segment}]`;
  }
  return out;
}

/** Orders diagnostics by file, line, then message: stable output for logs and tests. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.field ?? '').localeCompare(b.field ?? '') ||
    a.message.localeCompare(b.message)
  );
}
