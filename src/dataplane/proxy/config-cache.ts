// What compiling one IR lends the next. The control plane hands over a new
// IR for every change, but the parts a change did not touch are the same
// objects as before (translate/translator.ts), so a backend, a rule or a
// virtual host's match table compiled for the last IR serves the next one as
// it is when its IR object is the same and so is everything it was built
// from: a rule's backends, a match table's rules. An EndpointSlice change thus
// builds one Backend and the rules that name it, and reuses every match table.
//
// Only what the last compile used is kept, so nothing outlives the
// configuration that needs it (a Backend's pools are retired with it).
import type { IRBackend, IRHttpRule, IRVirtualHost } from '../../ir/types.ts';
import type { MatchTable } from '../router/match-table.ts';
import { compileMatchTable } from '../router/match-table.ts';
import type { Backend } from '../upstream/backend.ts';
import type { Grouped } from './grouped-match-table.ts';
import { compileGroupedTable, GROUPED_FROM } from './grouped-match-table.ts';
import type { RuleRuntime } from './config.ts';

interface RuleEntry {
  /** The backends of its shares, then of its mirrors, as resolved for it. */
  backends: readonly (Backend | undefined)[];
  runtime: RuleRuntime;
}

interface TableEntry {
  /** The rule each match of the virtual host named. */
  rules: readonly (IRHttpRule | undefined)[];
  table: MatchTable;
  /** A large virtual host's table is made of groups. */
  grouped?: Grouped;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The Backends a rule's shares, then its mirrors, name. */
function backendsOf(rule: IRHttpRule, backendOf: (name: string | undefined) => Backend | undefined): (Backend | undefined)[] {
  return [...rule.backends.map((share) => backendOf(share.backend)), ...rule.mirrors.map((mirror) => backendOf(mirror.backend))];
}

/** backendsOf(rule) would give `backends` again (checked without building the list: this runs for every rule on every change). */
function sameBackends(backends: readonly (Backend | undefined)[], rule: IRHttpRule, backendOf: (name: string | undefined) => Backend | undefined): boolean {
  const shares = rule.backends.length;
  if (backends.length !== shares + rule.mirrors.length) return false;
  for (let i = 0; i < shares; i++) if (backends[i] !== backendOf(rule.backends[i]?.backend)) return false;
  for (let i = 0; i < rule.mirrors.length; i++) if (backends[shares + i] !== backendOf(rule.mirrors[i]?.backend)) return false;
  return true;
}

/**
 * Compiled parts, each marked with the last compile that used it; a compile's
 * end forgets those it did not use. One table kept across compiles: a change
 * among 40,000 rules marks 40,000 entries rather than filling a new table of
 * 40,000 (which cost more than the compile itself).
 */
class UsedParts<K, V> {
  readonly #entries = new Map<K, { value: V; used: number }>();
  #compile = 0;

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** `value` is the part for `key` in this compile. */
  use(key: K, value: V): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) this.#entries.set(key, { value, used: this.#compile });
    else {
      entry.value = value;
      entry.used = this.#compile;
    }
  }

  /** Ends a compile: forgets every part it did not use. */
  next(): void {
    for (const [key, entry] of this.#entries) if (entry.used !== this.#compile) this.#entries.delete(key);
    this.#compile++;
  }
}

export class CompileCache {
  readonly #backends = new UsedParts<IRBackend, Backend>();
  readonly #rules = new UsedParts<IRHttpRule, RuleEntry>();
  readonly #tables = new UsedParts<IRVirtualHost, TableEntry>();
  /** The groups of large virtual hosts by listener and hostname: what the next version of each reuses. */
  readonly #groups = new UsedParts<string, Grouped>();

  /** Call once a compile is done: the parts it did not use are forgotten. */
  finish(): void {
    this.#backends.next();
    this.#rules.next();
    this.#tables.next();
    this.#groups.next();
  }

  backend(ir: IRBackend, make: () => Backend): Backend {
    const backend = this.#backends.get(ir) ?? make();
    this.#backends.use(ir, backend);
    return backend;
  }

  /** The rule's runtime: last compile's while the rule names the same Backends (`backendOf`), else `make()`'s. */
  rule(ir: IRHttpRule, backendOf: (name: string | undefined) => Backend | undefined, make: () => RuleRuntime): RuleRuntime {
    const cached = this.#rules.get(ir);
    const entry = cached !== undefined && sameBackends(cached.backends, ir, backendOf) ? cached : { backends: backendsOf(ir, backendOf), runtime: make() };
    this.#rules.use(ir, entry);
    return entry.runtime;
  }

  /**
   * compileMatchTable, reusing the table of a virtual host whose matches name
   * the same rules as before; a large virtual host that changed is compiled
   * in groups, reusing the groups it had under the same listener and
   * hostname that did not change (grouped-match-table.ts).
   */
  readonly matchTable = (vhost: IRVirtualHost, rules: readonly IRHttpRule[]): MatchTable => {
    const named = vhost.matches.map((match) => rules[match.rule]);
    const cached = this.#tables.get(vhost);
    let entry = cached !== undefined && sameList(cached.rules, named) ? cached : undefined;
    const place = `${vhost.listener}\n${vhost.hostname}`;
    if (entry === undefined && vhost.matches.length >= GROUPED_FROM) {
      const { table, grouped } = compileGroupedTable(vhost, rules, this.#groups.get(place));
      entry = { rules: named, table, grouped };
    }
    entry ??= { rules: named, table: compileMatchTable(vhost, rules) };
    this.#tables.use(vhost, entry);
    if (entry.grouped !== undefined) this.#groups.use(place, entry.grouped);
    return entry.table;
  };
}
