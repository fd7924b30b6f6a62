// What changed between two IRs, for the one log line per reload: counts of
// ports, rules and backends, and which rules were added, removed or changed.
// The Translator hands back the same objects for what did not change, so a
// port that is the same object is skipped whole and a rule that is the same
// object is unchanged without a look; only the rest are compared by content.
import type { IR, IRHttpPort, IRHttpRule } from '../ir/types.ts';

export interface ChangeSummary {
  gateways: number;
  ports: number[];
  /** IR rules, over all ports (a route on two ports counts twice). */
  rules: number;
  backends: number;
  rulesAdded: string[];
  rulesRemoved: string[];
  rulesChanged: string[];
}

const MAX_LISTED = 10;

function listed(names: string[]): string[] {
  return names.length > MAX_LISTED ? [...names.slice(0, MAX_LISTED), `…${names.length - MAX_LISTED} more`] : names;
}

function portsByName(ir: IR | undefined): Map<string, IRHttpPort> {
  const ports = new Map<string, IRHttpPort>();
  for (const gateway of ir?.gateways ?? []) for (const port of gateway.ports) if (port.kind === 'http') ports.set(port.name, port);
  return ports;
}

/** The rules of `rules` that are not in `others` (by identity), by name. */
function rulesNotIn(rules: readonly IRHttpRule[], others: ReadonlySet<IRHttpRule>): Map<string, IRHttpRule> {
  const left = new Map<string, IRHttpRule>();
  for (const rule of rules) if (!others.has(rule)) left.set(rule.name, rule);
  return left;
}

export function summarizeChange(previous: IR | undefined, next: IR): ChangeSummary {
  const before = portsByName(previous);
  const after = portsByName(next);
  const added = new Set<string>();
  const removed = new Set<string>();
  const changed = new Set<string>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(name);
    const now = after.get(name);
    if (old === now || old?.rules === now?.rules) continue;
    // Most rules of a changed port are the very objects they were: only the rest are looked at by name.
    const oldAll = old?.rules ?? [];
    const newAll = now?.rules ?? [];
    const oldRules = rulesNotIn(oldAll, new Set(newAll));
    const newRules = rulesNotIn(newAll, new Set(oldAll));
    // Names are unique on a port, so a rule whose name the other side lacks among its own leftovers was added or removed.
    for (const [ruleName, rule] of newRules) {
      const oldRule = oldRules.get(ruleName);
      if (oldRule === undefined) added.add(ruleName);
      else if (JSON.stringify(oldRule) !== JSON.stringify(rule)) changed.add(ruleName);
    }
    for (const ruleName of oldRules.keys()) if (!newRules.has(ruleName)) removed.add(ruleName);
  }
  const ports = new Set<number>();
  let rules = 0;
  let backends = 0;
  for (const gateway of next.gateways) {
    backends += Object.keys(gateway.backends).length;
    for (const port of gateway.ports) {
      ports.add(port.port);
      if (port.kind === 'http') rules += port.rules.length;
    }
  }
  return {
    gateways: next.gateways.length,
    ports: [...ports].sort((a, b) => a - b),
    rules,
    backends,
    rulesAdded: listed([...added]),
    rulesRemoved: listed([...removed]),
    rulesChanged: listed([...changed]),
  };
}
