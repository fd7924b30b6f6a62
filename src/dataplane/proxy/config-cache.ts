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

/** Generations of compiled parts: what the last compile used, and what this one uses. */
class Generations<K, V> {
  #last = new Map<K, V>();
  #current = new Map<K, V>();

  get(key: K): V | undefined {
    return this.#current.get(key) ?? this.#last.get(key);
  }

  set(key: K, value: V): void {
    this.#current.set(key, value);
  }

  next(): void {
    this.#last = this.#current;
    this.#current = new Map();
  }
}

export class CompileCache {
  readonly #backends = new Generations<IRBackend, Backend>();
  readonly #rules = new Generations<IRHttpRule, RuleEntry>();
  readonly #tables = new Generations<IRVirtualHost, TableEntry>();
  /** The groups of large virtual hosts by listener and hostname: what the next version of each reuses. */
  readonly #groups = new Generations<string, Grouped>();

  /** Call once a compile is done: the parts it did not use are forgotten. */
  finish(): void {
    this.#backends.next();
    this.#rules.next();
    this.#tables.next();
    this.#groups.next();
  }

  backend(ir: IRBackend, make: () => Backend): Backend {
    const backend = this.#backends.get(ir) ?? make();
    this.#backends.set(ir, backend);
    return backend;
  }

  rule(ir: IRHttpRule, backends: readonly (Backend | undefined)[], make: () => RuleRuntime): RuleRuntime {
    const cached = this.#rules.get(ir);
    const entry = cached !== undefined && sameList(cached.backends, backends) ? cached : { backends, runtime: make() };
    this.#rules.set(ir, entry);
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
    this.#tables.set(vhost, entry);
    if (entry.grouped !== undefined) this.#groups.set(place, entry.grouped);
    return entry.table;
  };
}
