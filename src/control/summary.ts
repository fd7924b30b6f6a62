// What changed between two IRs, for the one log line per reload: counts of
// ports, rules and backends, and which rules were added, removed or changed.
import type { IR } from '../ir/types.ts';

export interface ChangeSummary {
  gateways: number;
  ports: number[];
  rules: number;
  backends: number;
  rulesAdded: string[];
  rulesRemoved: string[];
  rulesChanged: string[];
}

const MAX_LISTED = 10;

function index(ir: IR | undefined): { rules: Map<string, string>; ports: Set<number>; backends: number } {
  const rules = new Map<string, string>();
  const ports = new Set<number>();
  let backends = 0;
  for (const gateway of ir?.gateways ?? []) {
    backends += Object.keys(gateway.backends).length;
    for (const port of gateway.ports) {
      ports.add(port.port);
      for (const rule of port.rules) rules.set(rule.name, JSON.stringify(rule));
    }
  }
  return { rules, ports, backends };
}

function listed(names: string[]): string[] {
  return names.length > MAX_LISTED ? [...names.slice(0, MAX_LISTED), `…${names.length - MAX_LISTED} more`] : names;
}

export function summarizeChange(previous: IR | undefined, next: IR): ChangeSummary {
  const before = index(previous);
  const after = index(next);
  const added: string[] = [];
  const changed: string[] = [];
  for (const [name, json] of after.rules) {
    const old = before.rules.get(name);
    if (old === undefined) added.push(name);
    else if (old !== json) changed.push(name);
  }
  const removed = [...before.rules.keys()].filter((name) => !after.rules.has(name));
  return {
    gateways: next.gateways.length,
    ports: [...after.ports].sort((a, b) => a - b),
    rules: after.rules.size,
    backends: after.backends,
    rulesAdded: listed(added),
    rulesRemoved: listed(removed),
    rulesChanged: listed(changed),
  };
}
