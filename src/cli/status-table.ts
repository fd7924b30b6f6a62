// Renders statuses for people (`portico check`), and finds the ones that make
// `check` fail: a gateway, ListenerSet or route not Accepted, or with unresolved references.
import type { Condition } from '../model/meta.ts';
import type { StatusUpdate } from '../translate/index.ts';

interface ParentStatus {
  parentRef: { namespace?: string; name: string; sectionName?: string; port?: number };
  controllerName: string;
  conditions: Condition[];
}
interface ListenerStatusView {
  name: string;
  attachedRoutes: number;
  conditions: Condition[];
}
interface AncestorStatus {
  ancestorRef: { namespace?: string; name: string };
  controllerName: string;
  conditions: Condition[];
}
interface StatusView {
  conditions?: Condition[];
  parents?: ParentStatus[];
  listeners?: ListenerStatusView[];
  /** Policies (BackendTLSPolicy): one entry per Gateway they affect. */
  ancestors?: AncestorStatus[];
}

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

function view(update: StatusUpdate): StatusView {
  return update.status;
}

function objectName(update: StatusUpdate): string {
  const { namespace, name } = update.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function describe(c: Condition | undefined): string {
  return c ? `${c.type}=${c.status} (${c.reason})` : '';
}

function failing(c: Condition | undefined): boolean {
  return c !== undefined && c.status !== 'True';
}

export interface Problem {
  object: string;
  detail: string;
}

export function findProblems(statuses: StatusUpdate[], controllerName: string): Problem[] {
  const problems: Problem[] = [];
  for (const update of statuses) {
    const status = view(update);
    const where = `${update.kind} ${objectName(update)}`;
    if (update.kind === 'Gateway' || update.kind === 'ListenerSet') {
      const accepted = condition(status.conditions, 'Accepted');
      if (failing(accepted)) problems.push({ object: where, detail: `${describe(accepted)}: ${accepted?.message ?? ''}` });
      for (const listener of status.listeners ?? []) {
        for (const type of ['Accepted', 'ResolvedRefs']) {
          const c = condition(listener.conditions, type);
          if (failing(c)) problems.push({ object: `${where} listener ${listener.name}`, detail: `${describe(c)}: ${c?.message ?? ''}` });
        }
      }
    } else if (ROUTE_KINDS.has(update.kind)) {
      for (const parent of status.parents ?? []) {
        if (parent.controllerName !== controllerName) continue;
        for (const type of ['Accepted', 'ResolvedRefs']) {
          const c = condition(parent.conditions, type);
          if (failing(c)) problems.push({ object: `${where} → ${parentName(parent)}`, detail: `${describe(c)}: ${c?.message ?? ''}` });
        }
      }
    }
  }
  return problems;
}

function parentName(parent: ParentStatus): string {
  const ref = parent.parentRef;
  let name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  if (ref.sectionName) name += `/${ref.sectionName}`;
  if (ref.port !== undefined) name += `:${ref.port}`;
  return name;
}

/** Conflicted is the one condition whose healthy value is False. */
function healthy(c: Condition): boolean {
  return c.status === (c.type === 'Conflicted' ? 'False' : 'True');
}

function summarize(conditions: Condition[] | undefined): string {
  return (conditions ?? []).map((c) => `${c.type}=${c.status}${healthy(c) ? '' : ` (${c.reason}: ${c.message})`}`).join(', ');
}

export function renderTable(statuses: StatusUpdate[], controllerName: string): string {
  const rows: string[][] = [['KIND', 'NAME', 'CONDITIONS']];
  for (const update of statuses) {
    const status = view(update);
    if (ROUTE_KINDS.has(update.kind)) {
      for (const parent of status.parents ?? []) {
        if (parent.controllerName !== controllerName) continue;
        rows.push([update.kind, `${objectName(update)} → ${parentName(parent)}`, summarize(parent.conditions)]);
      }
      continue;
    }
    if (status.ancestors !== undefined) {
      const ours = status.ancestors.filter((ancestor) => ancestor.controllerName === controllerName);
      if (ours.length === 0) rows.push([update.kind, `${objectName(update)} (no Gateway uses its targets)`, '']);
      for (const ancestor of ours) {
        const ref = ancestor.ancestorRef;
        rows.push([update.kind, `${objectName(update)} → ${ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name}`, summarize(ancestor.conditions)]);
      }
      continue;
    }
    rows.push([update.kind, objectName(update), summarize(status.conditions)]);
    for (const listener of status.listeners ?? []) {
      rows.push(['  listener', `${listener.name} (${listener.attachedRoutes} routes)`, summarize(listener.conditions)]);
    }
  }
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd()).join('\n') + '\n';
}
