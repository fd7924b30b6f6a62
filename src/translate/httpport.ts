// One HTTP port of a Gateway → IRHttpPort (see ir/types.ts).
//
// Virtual hosts: one per host pattern on the port, from listener hostnames
// and from the hostnames routes serve through them. A pattern is served by
// the most specific listener whose hostname covers it (Listener Isolation:
// "foo.example.com" traffic only reaches the foo.example.com listener's
// routes), and its matches are every match of that listener's routes whose
// hostname covers the pattern, in precedence order (precedence.ts); a route
// counts with its most specific covering hostname. Each listener's own
// pattern gets a virtual host even without routes, so its hosts answer 404
// instead of reaching a less specific listener.
//
// Rules: one per route rule on the port, in route then rule order (routes
// oldest first, so a new route's rules come last), shared by the matches of
// all virtual hosts; the RequestRedirect port is resolved for this port.
//
// An HttpPortBuilder builds its port again on every run, told which routes
// changed on which listener (route-table.ts), and redoes only that: a route's
// rules are built once per compiled route, the route order and each affected
// virtual host's match order are updated by merging in what changed
// (sorted-merge.ts), and every part whose inputs did not change is the very
// object it was (later stages tell what changed by identity).
import type { IRHttpMatch, IRHttpPort, IRHttpRule, IRVirtualHost } from '../ir/types.ts';
import { ANY_HOST, coveringPatterns, hostnameCovers, isWildcard } from './hostname.ts';
import type { ListenerContext } from './listener.ts';
import type { PrecedenceKey } from './precedence.ts';
import { compareAge, comparePrecedenceKeys, precedenceKey } from './precedence.ts';
import { resolveRedirect } from './redirect.ts';
import type { BackendTarget, CompiledMatch, CompiledRoute, CompiledRule } from './route-model.ts';
import { sameTarget } from './backendref.ts';
import { mergeSorted, removeSorted } from './sorted-merge.ts';

/** A route attached to one listener, with the host patterns it serves there. */
export interface AttachedRoute {
  route: CompiledRoute;
  /** routeKey(route.info) */
  key: string;
  hostnames: readonly string[];
}

export interface ServedListener {
  listener: ListenerContext;
  /** Attached routes, by key. */
  routes: ReadonlyMap<string, AttachedRoute>;
}

export interface BuiltPort {
  port: IRHttpPort;
  /** Every backend the port's rules name, in rule order (repeats included). */
  backends: readonly BackendTarget[];
}

/** A route's valid rules as IR rules on this port. */
interface RouteRules {
  rules: IRHttpRule[];
  backends: BackendTarget[];
  /** rule.index → position among `rules`. */
  positions: Map<number, number>;
  /** Index of the first rule in the port's rules, as last laid out. */
  offset: number;
}

/**
 * A route of the port, in the port's route order: oldest first (by
 * creationTimestamp), then by key. Rule indexes follow that order, so a new
 * route (the newest) appends its rules and every other rule keeps its index:
 * the matches that name them stay the same IR objects, and the data plane
 * recompiles only what the new route touches. Ordered by key alone, a route
 * added among thousands moved the index of every rule after it.
 */
interface PortRoute {
  key: string;
  age: string | undefined;
  ruleSet: RouteRules;
}

/** One match of a route in a virtual host. */
interface VhostEntry {
  order: PrecedenceKey;
  routeKey: string;
  ruleSet: RouteRules;
  /** Position of its rule among its route's rules. */
  position: number;
  match: CompiledMatch;
  /** The IR match last made for it (kept while its rule index stays). */
  ir: IRHttpMatch | undefined;
}

/** A route in a virtual host: the hostname it counts with, and its entries. */
interface Contribution {
  route: CompiledRoute;
  hostname: string;
  entries: VhostEntry[];
}

interface VhostState {
  pattern: string;
  owner: ListenerContext;
  covering: string[];
  contributions: Map<string, Contribution>;
  sorted: VhostEntry[];
  vhost: IRVirtualHost | undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: VhostEntry, b: VhostEntry): number {
  return comparePrecedenceKeys(a.order, b.order);
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function validRules(route: CompiledRoute): CompiledRule[] {
  return route.rules.filter((rule) => rule.invalid === undefined);
}

function buildRule(route: CompiledRoute, rule: CompiledRule, scheme: 'http' | 'https', port: number): IRHttpRule {
  const action = rule.action;
  const { kind, namespace, name } = route.info;
  return {
    name: `${route.irName}/rule/${rule.index}`,
    route: { kind: kind === 'GRPCRoute' ? 'GRPCRoute' : 'HTTPRoute', namespace, name },
    ...(rule.ruleName === undefined ? {} : { ruleName: rule.ruleName }),
    ...(action.requestHeaders === undefined ? {} : { requestHeaders: action.requestHeaders }),
    ...(action.responseHeaders === undefined ? {} : { responseHeaders: action.responseHeaders }),
    ...(action.redirect === undefined ? {} : { redirect: resolveRedirect(action.redirect, scheme, port) }),
    ...(action.rewrite === undefined ? {} : { rewrite: action.rewrite }),
    mirrors: action.mirrors,
    ...(action.cors === undefined ? {} : { cors: action.cors }),
    ...(action.directResponse === undefined ? {} : { directResponse: action.directResponse }),
    backends: action.backends,
    ...(action.timeouts === undefined ? {} : { timeouts: action.timeouts }),
    ...(action.retry === undefined ? {} : { retry: action.retry }),
  };
}

/** Keeps a sorted list of strings as some come and go. */
function updateSorted(sorted: readonly string[], removed: readonly string[], added: readonly string[]): string[] {
  return mergeSorted(removeSorted(sorted, removed, compareText), [...added].sort(compareText), compareText);
}

function comparePortRoutes(a: PortRoute, b: PortRoute): number {
  return compareAge(a.age, b.age) || compareText(a.key, b.key);
}

function sameTargets(a: readonly BackendTarget[], b: readonly BackendTarget[]): boolean {
  return a.length === b.length && a.every((target, i) => sameTarget(target, b[i] as BackendTarget));
}

export class HttpPortBuilder {
  readonly #gatewayIrName: string;
  readonly #port: number;
  readonly #scheme: 'http' | 'https';
  readonly #ruleSets = new WeakMap<CompiledRoute, RouteRules>();
  #listeners: ListenerContext[] = [];
  /** Per listener, the attached routes as this builder last took them in. */
  #seen = new Map<ListenerContext, Map<string, AttachedRoute>>();
  /**
   * Per route key, the listeners of the port it is attached to, with the attachment (one route's attachments all
   * carry the same compiled route): finds a route's rules without a look at every listener.
   */
  #holders = new Map<string, Map<ListenerContext, AttachedRoute>>();
  /** Per listener, its routes by hostname. */
  #byHost = new Map<ListenerContext, Map<string, Map<string, AttachedRoute>>>();
  #listenerByPattern = new Map<string, ListenerContext>();
  /** How many listeners and attachments bring each host pattern. */
  #patternCounts = new Map<string, number>();
  /** Patterns that came or went since the last build. */
  #patternsMoved = new Set<string>();
  #patterns: string[] = [];
  readonly #patternSet = new Set<string>();
  #vhosts = new Map<string, VhostState>();
  /** The port's routes (a route on several listeners of the port once), by key and in key order. */
  #routes = new Map<string, PortRoute>();
  #routeOrder: PortRoute[] = [];
  #rules: IRHttpRule[] = [];
  #backends: BackendTarget[] = [];
  #built: IRHttpPort | undefined;

  /** `scheme`: what the port's listeners speak (HTTPS listeners: https), for redirects that keep it. */
  constructor(gatewayIrName: string, port: number, scheme: 'http' | 'https' = 'http') {
    this.#gatewayIrName = gatewayIrName;
    this.#port = port;
    this.#scheme = scheme;
  }

  /** The port for these listeners; `changes` names the routes that changed on them since the last build. */
  build(served: readonly ServedListener[], changes: ReadonlyMap<ListenerContext, ReadonlySet<string>>): BuiltPort {
    const listeners = served.map((entry) => entry.listener);
    const reset = this.#built === undefined;
    const remap = new Set<VhostState>();
    const routeKeys = new Set<string>();
    const relisted = !reset && !sameList(listeners, this.#listeners);
    let added: ReadonlySet<ListenerContext> = new Set();
    if (reset) this.#reset(listeners);
    else if (relisted) added = this.#relist(listeners, routeKeys, remap);

    // Take in what changed on each listener: hostnames, host patterns, the port's routes.
    const touched = new Map<ListenerContext, { keys: Set<string>; hostnames: Set<string> }>();
    for (const { listener, routes } of served) {
      // A listener new to the port brings every route attached to it (it may have had them while it did not serve).
      const keys = reset || added.has(listener) ? routes.keys() : changes.get(listener)?.values();
      if (keys === undefined) continue;
      const seen = this.#seen.get(listener) as Map<string, AttachedRoute>;
      const byHost = this.#byHost.get(listener) as Map<string, Map<string, AttachedRoute>>;
      const change = { keys: new Set<string>(), hostnames: new Set<string>() };
      for (const key of keys) {
        const old = seen.get(key);
        const now = routes.get(key);
        if (old === now) continue;
        for (const hostname of old?.hostnames ?? []) {
          byHost.get(hostname)?.delete(key);
          this.#countPattern(hostname, -1);
          change.hostnames.add(hostname);
        }
        for (const hostname of now?.hostnames ?? []) {
          let list = byHost.get(hostname);
          if (list === undefined) byHost.set(hostname, (list = new Map<string, AttachedRoute>()));
          list.set(key, now as AttachedRoute);
          this.#countPattern(hostname, 1);
          change.hostnames.add(hostname);
        }
        if (now === undefined) {
          seen.delete(key);
          this.#unhold(key, listener);
        } else {
          seen.set(key, now);
          let holders = this.#holders.get(key);
          if (holders === undefined) this.#holders.set(key, (holders = new Map<ListenerContext, AttachedRoute>()));
          holders.set(listener, now);
        }
        change.keys.add(key);
        routeKeys.add(key);
      }
      if (change.keys.size > 0) touched.set(listener, change);
    }

    const routesChanged = this.#updateRoutes(routeKeys);
    const rulesChanged = routesChanged !== 'none' || reset;
    const patternsChanged = this.#updatePatterns();
    for (const [listener, { keys, hostnames }] of touched) {
      for (const state of this.#affected(listener, hostnames)) {
        if (this.#updateVhost(state, keys)) remap.add(state);
      }
    }
    for (const state of routesChanged === 'layout' ? this.#vhosts.values() : remap) this.#remap(state);

    const previous = this.#built;
    const virtualHosts = this.#patterns.flatMap((pattern) => this.#vhosts.get(pattern)?.vhost ?? []);
    if (patternsChanged || rulesChanged || remap.size > 0 || previous === undefined || relisted) {
      if (previous === undefined || previous.rules !== this.#rules || !sameList(previous.virtualHosts, virtualHosts)) {
        this.#built = { kind: 'http', name: `${this.#gatewayIrName}/port/${this.#port}`, port: this.#port, virtualHosts, rules: this.#rules };
      }
    }
    return { port: this.#built as IRHttpPort, backends: this.#backends };
  }

  /** Starts over for a new set of listeners: every route on them counts as new. */
  #reset(listeners: ListenerContext[]): void {
    this.#listeners = listeners;
    this.#seen = new Map(listeners.map((listener) => [listener, new Map<string, AttachedRoute>()]));
    this.#holders = new Map();
    this.#byHost = new Map(listeners.map((listener) => [listener, new Map<string, Map<string, AttachedRoute>>()]));
    this.#routes = new Map();
    this.#routeOrder = [];
    this.#rules = [];
    this.#backends = [];
    this.#listenerByPattern = new Map();
    this.#patternCounts = new Map();
    this.#vhosts = new Map();
    this.#patterns = [];
    this.#patternSet.clear();
    this.#patternsMoved = new Set();
    for (const listener of listeners) {
      const pattern = listener.hostname ?? ANY_HOST;
      this.#listenerByPattern.set(pattern, listener); // a later listener of the same pattern serves it
      this.#countPattern(pattern, 1);
    }
  }

  /**
   * Takes in another list of listeners (a ListenerSet edited, added or
   * removed; a listener that starts or stops serving): the routes of those
   * gone leave the port (their keys go to `routeKeys`), host patterns go to
   * the listeners that now serve them, and virtual hosts whose listener
   * changed are rebuilt (added to `remap`); everything else stays. Returns
   * the listeners that are new to the port.
   */
  #relist(listeners: ListenerContext[], routeKeys: Set<string>, remap: Set<VhostState>): Set<ListenerContext> {
    const next = new Set(listeners);
    const before = new Set(this.#listeners);
    for (const listener of this.#listeners) {
      if (next.has(listener)) continue;
      for (const [key, attached] of this.#seen.get(listener) ?? []) {
        for (const hostname of attached.hostnames) this.#countPattern(hostname, -1);
        this.#unhold(key, listener);
        routeKeys.add(key);
      }
      this.#seen.delete(listener);
      this.#byHost.delete(listener);
      this.#countPattern(listener.hostname ?? ANY_HOST, -1);
    }
    const added = new Set<ListenerContext>();
    for (const listener of listeners) {
      if (before.has(listener)) continue;
      added.add(listener);
      this.#seen.set(listener, new Map());
      this.#byHost.set(listener, new Map());
      this.#countPattern(listener.hostname ?? ANY_HOST, 1);
    }
    this.#listeners = listeners;
    this.#listenerByPattern = new Map();
    for (const listener of listeners) this.#listenerByPattern.set(listener.hostname ?? ANY_HOST, listener); // a later listener of the same pattern serves it
    // Patterns nothing brings now leave (not worth rebuilding); if routes bring one back below, #updatePatterns makes it anew.
    const dropped = [...this.#patternSet].filter((pattern) => !this.#patternCounts.has(pattern));
    for (const pattern of dropped) {
      this.#patternSet.delete(pattern);
      this.#vhosts.delete(pattern);
    }
    if (dropped.length > 0) this.#patterns = updateSorted(this.#patterns, dropped, []);
    for (const [pattern, state] of this.#vhosts) {
      const owner = this.#ownerOf(state.covering);
      if (owner === state.owner) continue;
      if (owner === undefined) {
        this.#vhosts.delete(pattern);
        continue;
      }
      this.#fillVhost(state, owner);
      remap.add(state);
    }
    // Patterns no listener served before may have one now.
    for (const pattern of this.#patternSet) {
      if (this.#vhosts.has(pattern)) continue;
      const covering = coveringPatterns(pattern);
      const owner = this.#ownerOf(covering);
      if (owner === undefined) continue;
      const state: VhostState = { pattern, owner, covering, contributions: new Map(), sorted: [], vhost: undefined };
      this.#vhosts.set(pattern, state);
      this.#fillVhost(state, owner);
      remap.add(state);
    }
    return added;
  }

  /** The listener serving a host pattern: the most specific covering pattern a listener has. */
  #ownerOf(covering: readonly string[]): ListenerContext | undefined {
    for (const pattern of covering) {
      const listener = this.#listenerByPattern.get(pattern);
      if (listener !== undefined) return listener;
    }
    return undefined;
  }

  /** Starts the virtual host over with `owner`'s routes. */
  #fillVhost(state: VhostState, owner: ListenerContext): void {
    state.owner = owner;
    state.contributions = new Map();
    state.sorted = [];
    state.vhost = undefined; // it names its listener
    const keys = new Set<string>();
    const byHost = this.#byHost.get(owner);
    for (const hostname of state.covering) for (const key of byHost?.get(hostname)?.keys() ?? []) keys.add(key);
    this.#updateVhost(state, keys);
  }

  #unhold(key: string, listener: ListenerContext): void {
    const holders = this.#holders.get(key);
    holders?.delete(listener);
    if (holders?.size === 0) this.#holders.delete(key);
  }

  #countPattern(pattern: string, delta: number): void {
    const before = this.#patternCounts.get(pattern) ?? 0;
    const count = before + delta;
    if (count === 0) this.#patternCounts.delete(pattern);
    else this.#patternCounts.set(pattern, count);
    if (before === 0 || count === 0) this.#patternsMoved.add(pattern);
  }

  /**
   * The port's routes and rules after routes changed: 'none'; 'patched' when
   * no rule moved (routes changed keeping as many rules, or only routes newer
   * than every other came); 'layout' when rules moved.
   */
  #updateRoutes(keys: ReadonlySet<string>): 'none' | 'patched' | 'layout' {
    const removed: PortRoute[] = [];
    const added: PortRoute[] = [];
    const replaced: { entry: PortRoute; before: RouteRules }[] = [];
    for (const key of keys) {
      const route = this.#holders.get(key)?.values().next().value?.route;
      const entry = this.#routes.get(key);
      const ruleSet = route === undefined ? undefined : this.#rulesOf(route);
      if (entry?.ruleSet === ruleSet) continue;
      const age = route?.info.creationTimestamp;
      if (entry !== undefined && (ruleSet === undefined || entry.age !== age)) {
        // Gone, or back with another creationTimestamp (its place in the order moves).
        this.#routes.delete(key);
        removed.push(entry);
      }
      if (ruleSet === undefined) continue;
      if (entry === undefined || entry.age !== age) {
        const fresh = { key, age, ruleSet };
        this.#routes.set(key, fresh);
        added.push(fresh);
      } else {
        replaced.push({ entry, before: entry.ruleSet });
        entry.ruleSet = ruleSet;
      }
    }
    if (removed.length === 0 && added.length === 0 && replaced.length === 0) return 'none';
    added.sort(comparePortRoutes);
    const last = this.#routeOrder[this.#routeOrder.length - 1];
    const first = added[0];
    const appended = first === undefined || last === undefined || comparePortRoutes(last, first) < 0;
    if (removed.length === 0 && appended && replaced.every(({ entry, before }) => entry.ruleSet.rules.length === before.rules.length)) {
      // No rule moves: routes edited keeping as many rules are replaced in place, and routes newer than every
      // other (the usual add) go after them; the backends stay unless the edited routes name others.
      const rules = [...this.#rules];
      for (const { entry, before } of replaced) {
        entry.ruleSet.offset = before.offset;
        entry.ruleSet.rules.forEach((rule, i) => (rules[before.offset + i] = rule));
      }
      for (const entry of added) {
        entry.ruleSet.offset = rules.length;
        for (const rule of entry.ruleSet.rules) rules.push(rule);
      }
      if (added.length > 0) this.#routeOrder = [...this.#routeOrder, ...added];
      this.#rules = rules;
      if (!replaced.every(({ entry, before }) => sameTargets(entry.ruleSet.backends, before.backends))) this.#backends = this.#routeOrder.flatMap((entry) => entry.ruleSet.backends);
      else if (added.length > 0) this.#backends = [...this.#backends, ...added.flatMap((entry) => entry.ruleSet.backends)];
      return 'patched';
    }
    this.#routeOrder = mergeSorted(removeSorted(this.#routeOrder, removed, comparePortRoutes), added, comparePortRoutes);
    const rules: IRHttpRule[] = [];
    const backends: BackendTarget[] = [];
    for (const { ruleSet } of this.#routeOrder) {
      ruleSet.offset = rules.length;
      for (const rule of ruleSet.rules) rules.push(rule);
      for (const backend of ruleSet.backends) backends.push(backend);
    }
    this.#rules = rules;
    this.#backends = backends;
    return 'layout';
  }

  #rulesOf(route: CompiledRoute): RouteRules {
    let ruleSet = this.#ruleSets.get(route);
    if (ruleSet === undefined) {
      ruleSet = { rules: [], backends: [], positions: new Map(), offset: 0 };
      for (const rule of validRules(route)) {
        ruleSet.positions.set(rule.index, ruleSet.rules.length);
        ruleSet.rules.push(buildRule(route, rule, this.#scheme, this.#port));
        for (const backend of rule.backends) ruleSet.backends.push(backend);
      }
      this.#ruleSets.set(route, ruleSet);
    }
    return ruleSet;
  }

  /** Virtual hosts for patterns that came, none for those gone; true when the list changed. */
  #updatePatterns(): boolean {
    const moved = this.#patternsMoved;
    this.#patternsMoved = new Set();
    const present = this.#patternSet;
    const removed = new Set<string>();
    const added: string[] = [];
    for (const pattern of moved) {
      const now = this.#patternCounts.has(pattern);
      if (now && !present.has(pattern)) added.push(pattern);
      else if (!now && present.has(pattern)) removed.add(pattern);
    }
    if (removed.size === 0 && added.length === 0) return false;
    for (const pattern of removed) {
      this.#vhosts.delete(pattern);
      present.delete(pattern);
    }
    for (const pattern of added) present.add(pattern);
    this.#patterns = updateSorted(this.#patterns, [...removed], added);
    for (const pattern of added) {
      const covering = coveringPatterns(pattern);
      const owner = covering.map((p) => this.#listenerByPattern.get(p)).find((l) => l !== undefined);
      if (owner === undefined) continue; // no listener serves it: no virtual host
      const state: VhostState = { pattern, owner, covering, contributions: new Map(), sorted: [], vhost: undefined };
      this.#vhosts.set(pattern, state);
      const keys = new Set<string>();
      const byHost = this.#byHost.get(owner);
      for (const hostname of covering) for (const key of byHost?.get(hostname)?.keys() ?? []) keys.add(key);
      this.#updateVhost(state, keys);
      this.#remap(state);
    }
    return true;
  }

  /** The virtual hosts of `listener` that a change of routes with these hostnames may touch. */
  #affected(listener: ListenerContext, hostnames: ReadonlySet<string>): VhostState[] {
    if ([...hostnames].every((hostname) => !isWildcard(hostname) && hostname !== ANY_HOST)) {
      return [...hostnames].flatMap((hostname) => {
        const state = this.#vhosts.get(hostname);
        return state?.owner === listener ? [state] : [];
      });
    }
    return [...this.#vhosts.values()].filter((state) => state.owner === listener && [...hostnames].some((hostname) => hostnameCovers(hostname, state.pattern)));
  }

  /** Takes in the routes `keys` of the owner as they are now; true when the virtual host's entries changed. */
  #updateVhost(state: VhostState, keys: ReadonlySet<string>): boolean {
    const byHost = this.#byHost.get(state.owner);
    const removed: VhostEntry[] = [];
    const added: VhostEntry[] = [];
    for (const key of keys) {
      let found: AttachedRoute | undefined;
      let hostname = '';
      for (const candidate of state.covering) {
        found = byHost?.get(candidate)?.get(key);
        if (found !== undefined) {
          hostname = candidate;
          break;
        }
      }
      const old = state.contributions.get(key);
      if (old !== undefined && found !== undefined && old.route === found.route && old.hostname === hostname) continue;
      if (old !== undefined) {
        state.contributions.delete(key);
        for (const entry of old.entries) removed.push(entry);
      }
      if (found !== undefined) {
        const contribution = this.#contribution(key, found.route, hostname);
        state.contributions.set(key, contribution);
        for (const entry of contribution.entries) added.push(entry);
      }
    }
    if (removed.length === 0 && added.length === 0) return false;
    state.sorted = mergeSorted(removeSorted(state.sorted, removed, compareEntries), added.sort(compareEntries), compareEntries);
    return true;
  }

  #contribution(key: string, route: CompiledRoute, hostname: string): Contribution {
    const ruleSet = this.#rulesOf(route);
    const entries: VhostEntry[] = [];
    for (const rule of validRules(route)) {
      rule.matches.forEach((match, matchIndex) => {
        entries.push({
          order: precedenceKey({ route: route.info, hostname, ruleIndex: rule.index, matchIndex, match }),
          routeKey: key,
          ruleSet,
          position: ruleSet.positions.get(rule.index) ?? 0,
          match,
          ir: undefined,
        });
      });
    }
    return { route, hostname, entries };
  }

  /** The virtual host's IR matches for the current rule indexes (the same objects where nothing moved). */
  #remap(state: VhostState): void {
    const matches = state.sorted.map((entry) => {
      const rule = entry.ruleSet.offset + entry.position;
      if (entry.ir?.rule !== rule) entry.ir = { ...entry.match.ir, rule };
      return entry.ir;
    });
    const old = state.vhost;
    if (old !== undefined && sameList(old.matches, matches)) return;
    state.vhost = { hostname: state.pattern, listener: state.owner.irName, matches };
  }
}
