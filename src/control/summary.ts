// What changed between two IRs, for the one log line per reload: counts of
// ports, rules and backends, and which rules were added, removed or changed.
// The Translator hands back the same objects for what did not change, so a
// port that is the same object is skipped whole and a rule that is the same
// object at the same place is unchanged without a look; only the rest are
// compared by content.
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

/**
 * The rules of each list that are not the very object at the same place in
 * the other, by name: a walk side by side that steps over one rule added,
 * removed or replaced at a place (most rules of a changed port are the same
 * objects in the same order, so this costs a comparison each). Where the
 * lists part for longer, rules equal in both may be listed on both sides;
 * the caller compares those by content.
 */
function rulesApart(before: readonly IRHttpRule[], after: readonly IRHttpRule[]): { oldRules: Map<string, IRHttpRule>; newRules: Map<string, IRHttpRule> } {
  const oldRules = new Map<string, IRHttpRule>();
  const newRules = new Map<string, IRHttpRule>();
  let i = 0;
  let j = 0;
  while (i < after.length && j < before.length) {
    const now = after[i] as IRHttpRule;
    const old = before[j] as IRHttpRule;
    if (now === old) {
      i++;
      j++;
    } else if (after[i + 1] === old) {
      newRules.set(now.name, now);
      i++;
    } else if (before[j + 1] === now) {
      oldRules.set(old.name, old);
      j++;
    } else {
      newRules.set(now.name, now);
      oldRules.set(old.name, old);
      i++;
      j++;
    }
  }
  for (; i < after.length; i++) newRules.set((after[i] as IRHttpRule).name, after[i] as IRHttpRule);
  for (; j < before.length; j++) oldRules.set((before[j] as IRHttpRule).name, before[j] as IRHttpRule);
  return { oldRules, newRules };
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
    const { oldRules, newRules } = rulesApart(old?.rules ?? [], now?.rules ?? []);
    // Names are unique on a port, so a rule whose name the other side lacks among its own leftovers was added or removed.
    for (const [ruleName, rule] of newRules) {
      const oldRule = oldRules.get(ruleName);
      if (oldRule === undefined) added.add(ruleName);
      else if (oldRule !== rule && JSON.stringify(oldRule) !== JSON.stringify(rule)) changed.add(ruleName);
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
