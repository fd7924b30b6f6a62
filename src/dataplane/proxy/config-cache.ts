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
import type { IRBackend, IRGateway, IRHttpPort, IRHttpRule, IRVirtualHost } from '../../ir/types.ts';
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

/** A port's rules as last compiled, in order. */
interface PortRules {
  rules: readonly IRHttpRule[];
  entries: readonly RuleEntry[];
  /** With one Gateway on the port: its backends record then, and every backend name its rules named since it came. */
  backends?: { record: IRGateway['backends']; names: ReadonlySet<string> };
}

/** The IR ports served on one port number, each with its Gateway. */
export interface PortSource {
  gateway: IRGateway;
  port: IRHttpPort;
}

/** A Gateway's Backend by name (undefined: a share without one). */
export type BackendLookup = (name: string | undefined) => Backend | undefined;

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

function positionsOf(rules: readonly IRHttpRule[]): Map<IRHttpRule, number> {
  const positions = new Map<IRHttpRule, number>();
  rules.forEach((rule, i) => positions.set(rule, i));
  return positions;
}

/** Adds the backend names a rule's shares and mirrors use to `names`. */
function addBackendNames(rule: IRHttpRule, names: Set<string>): void {
  for (const share of rule.backends) if (share.backend !== undefined) names.add(share.backend);
  for (const mirror of rule.mirrors) names.add(mirror.backend);
}

/** The Backends a rule's shares, then its mirrors, name. */
function backendsOf(rule: IRHttpRule, backendOf: BackendLookup): (Backend | undefined)[] {
  return [...rule.backends.map((share) => backendOf(share.backend)), ...rule.mirrors.map((mirror) => backendOf(mirror.backend))];
}

/** backendsOf(rule) would give `backends` again (checked without building the list: this runs for every rule on every change). */
function sameBackends(backends: readonly (Backend | undefined)[], rule: IRHttpRule, backendOf: BackendLookup): boolean {
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
  /** By port number; a port number not compiled again is dropped at finish(). */
  #ports = new Map<number, PortRules>();
  #nextPorts = new Map<number, PortRules>();
  readonly #tables = new UsedParts<IRVirtualHost, TableEntry>();
  /** The groups of large virtual hosts by listener and hostname: what the next version of each reuses. */
  readonly #groups = new UsedParts<string, Grouped>();

  /** Call once a compile is done: the parts it did not use are forgotten. */
  finish(): void {
    this.#backends.next();
    this.#ports = this.#nextPorts;
    this.#nextPorts = new Map();
    this.#tables.next();
    this.#groups.next();
  }

  backend(ir: IRBackend, make: () => Backend): Backend {
    const backend = this.#backends.get(ir) ?? make();
    this.#backends.use(ir, backend);
    return backend;
  }

  /**
   * The runtimes of a port number's rules, in order: a rule that is the same
   * IR object as last compile, naming the same Backends, keeps its runtime;
   * the others are made by `compile`. Last compile's rules are followed in
   * step with the new list (one pointer comparison per rule; a table of
   * positions only once the lists part), since a change among thousands of
   * rules leaves nearly all of them where they were, and a table lookup per
   * rule cost more than the rest of the compile. Every backend a rule names
   * is looked up through `lookupFor` (that registers the Backend's pools),
   * except while the Gateway's backends record stays (see below).
   */
  portRules(portNumber: number, sources: readonly PortSource[], lookupFor: (gateway: IRGateway) => BackendLookup, compile: (rule: IRHttpRule, backendFor: BackendLookup) => RuleRuntime): RuleRuntime[] {
    const last = this.#ports.get(portNumber);
    const only = sources.length === 1 ? sources[0] : undefined;
    // The port's one Gateway with the very backends record of last compile: every name resolves to the Backend it did,
    // so a rule kept from last compile keeps its entry without its backends being looked at, and the Backends are
    // registered once by name rather than once per rule (at 40,000 rules the per-rule check was most of a compile).
    // A name no rule uses any more stays registered until the record changes.
    const known = only !== undefined && last?.backends?.record === only.gateway.backends ? last.backends.names : undefined;
    if (only !== undefined && known !== undefined) {
      const backendFor = lookupFor(only.gateway);
      for (const name of known) backendFor(name);
    }
    // With one Gateway, the names its rules use: what the next compile registers if the record stays.
    let names = only !== undefined && known === undefined ? new Set<string>() : undefined;
    const rules: IRHttpRule[] = [];
    const entries: RuleEntry[] = [];
    const runtimes: RuleRuntime[] = [];
    let next = 0;
    let found = 0;
    let positions: Map<IRHttpRule, number> | undefined;
    for (const { gateway, port } of sources) {
      const backendFor = lookupFor(gateway);
      for (let i = 0; i < port.rules.length; i++) {
        const rule = port.rules[i] as IRHttpRule;
        let entry: RuleEntry | undefined;
        if (last !== undefined) {
          let at: number | undefined = last.rules[next] === rule ? next : undefined;
          if (at === undefined && last.rules[next + 1] === port.rules[i + 1] && next + 1 < last.rules.length) {
            // Replaced in place (an edited route's rule): the lists go on in step after it.
            next++;
          } else if (at === undefined && found < last.rules.length) {
            // Once every rule of last compile's list was found, the rest are new (a new route's rules come last):
            // no table of positions is made to look for them.
            at = (positions ??= positionsOf(last.rules)).get(rule);
          }
          if (at !== undefined) {
            entry = last.entries[at];
            next = at + 1;
            found++;
          }
        }
        if (entry !== undefined && known === undefined && !sameBackends(entry.backends, rule, backendFor)) entry = undefined;
        if (entry === undefined) {
          entry = { backends: backendsOf(rule, backendFor), runtime: compile(rule, backendFor) };
          if (known !== undefined) addBackendNames(rule, (names ??= new Set(known)));
        }
        if (known === undefined && names !== undefined) addBackendNames(rule, names);
        rules.push(rule);
        entries.push(entry);
        runtimes.push(entry.runtime);
      }
    }
    const backendNames = names ?? known;
    this.#nextPorts.set(portNumber, { rules, entries, ...(only === undefined || backendNames === undefined ? {} : { backends: { record: only.gateway.backends, names: backendNames } }) });
    return runtimes;
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
