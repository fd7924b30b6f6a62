// A large virtual host's match table, split so that a change recompiles
// little. A virtual host with thousands of routes (every route of a Gateway
// without hostnames lands in "*") would otherwise compile all of its matches
// again whenever one route changes. Its Exact and PathPrefix matches are
// grouped by the first element of their path ("/svc-1/api" → "svc-1"), since
// such a match can only match a request path with the same first element
// (PathPrefix is element by element: "/ab" never matches "/abc"); the rest
// (RegularExpression, PathPrefix "/", paths not starting with "/") form one
// group that every request consults. Each group is a match table of its own
// (router/match-table.ts), kept from the last compile while its matches are
// the same objects naming the same rules, so a one-route change compiles the
// groups of its old and new path. A lookup asks the request's group and the
// catch-all group, and the match earlier in the virtual host's order wins:
// exactly the one the whole table would pick.
//
// Small virtual hosts are compiled whole (config-cache.ts): one table, one lookup.
import type { IRHttpMatch, IRHttpRule, IRVirtualHost } from '../../ir/types.ts';
import type { MatchTable } from '../router/match-table.ts';
import { compileMatchTable } from '../router/match-table.ts';
import type { RouteMatch, RouteRequest } from '../router/request.ts';

/** Virtual hosts with at least this many matches are grouped. */
export const GROUPED_FROM = 256;

const SLASH = 0x2f;
/** The group of matches that may match any path. */
const ANY: unique symbol = Symbol('any path');

type GroupKey = string | typeof ANY;

/** A compiled group: its matches, in the virtual host's order. */
export interface Group {
  matches: IRHttpMatch[];
  table: MatchTable;
}

/**
 * The groups of a virtual host: a base map shared by the tables of several
 * compiles (never changed once made), and the groups changed since it was
 * made (null: gone), folded into a new base once they are many; so a compile
 * copies a few groups, not a map of thousands.
 */
export interface Groups {
  base: ReadonlyMap<GroupKey, Group>;
  changed: ReadonlyMap<GroupKey, Group | null>;
}

/** A virtual host as last compiled in groups: what the next compile starts from. */
export interface Grouped {
  matches: readonly IRHttpMatch[];
  rules: readonly IRHttpRule[];
  groups: Groups;
}

/** Changed groups kept beside the base before they are folded into a new one. */
const MAX_CHANGED_GROUPS = 256;
/** Members of changed groups placed by a search of the virtual host each (more: one pass over it). */
const MAX_SEARCHED = 32;

function groupOf(groups: Groups, key: GroupKey): Group | undefined {
  const changed = groups.changed.get(key);
  return changed === undefined ? groups.base.get(key) : (changed ?? undefined);
}

/** More changed matches or rules than this (or a share above 1/8) and the virtual host is grouped afresh. */
const MAX_CHANGES = 64;

/** The first element of a path that starts with "/" ("" for "/" and "//x"). */
function firstElement(path: string): string {
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

/** Which group a match belongs to. */
export function groupKeyOf(match: IRHttpMatch): GroupKey {
  const { type, value } = match.path;
  if ((type !== 'Exact' && type !== 'PathPrefix') || value.charCodeAt(0) !== SLASH) return ANY;
  // PathPrefix ignores one trailing "/" (router/path-index.ts): "/" is every path.
  if (type === 'PathPrefix' && (value === '/' || value === '')) return ANY;
  return firstElement(value);
}

/**
 * What changed from `before` to `after`, walking both side by side (most
 * entries are the same objects in the same order): entries only in `after`
 * and only in `before`, or undefined when they part for more than `limit`.
 */
function changes<T>(before: readonly T[], after: readonly T[], limit: number): { added: T[]; removed: T[] } | undefined {
  const added: T[] = [];
  const removed: T[] = [];
  let i = 0;
  let j = 0;
  while (i < after.length && j < before.length) {
    const now = after[i] as T;
    const old = before[j] as T;
    if (now === old) {
      i++;
      j++;
    } else if (after[i + 1] === old) {
      added.push(now);
      i++;
    } else if (before[j + 1] === now) {
      removed.push(old);
      j++;
    } else {
      added.push(now);
      removed.push(old);
      i++;
      j++;
    }
    if (added.length + removed.length > limit) return undefined;
  }
  for (; i < after.length; i++) added.push(after[i] as T);
  for (; j < before.length; j++) removed.push(before[j] as T);
  return added.length + removed.length > limit ? undefined : { added, removed };
}

class GroupedMatchTable implements MatchTable {
  readonly #groups: Groups;
  readonly #any: MatchTable | undefined;
  readonly #order: readonly IRHttpMatch[];
  /** Each match's place in the virtual host, worked out the first time two groups both answer. */
  #places: Map<IRHttpMatch, number> | undefined;

  constructor(groups: Groups, order: readonly IRHttpMatch[]) {
    this.#groups = groups;
    this.#any = groupOf(groups, ANY)?.table;
    this.#order = order;
  }

  lookup(req: RouteRequest): RouteMatch | undefined {
    const path = req.path;
    const found = path.charCodeAt(0) === SLASH ? groupOf(this.#groups, firstElement(path))?.table.lookup(req) : undefined;
    const other = this.#any?.lookup(req);
    if (other === undefined) return found;
    if (found === undefined) return other;
    this.#places ??= new Map(this.#order.map((match, i) => [match, i]));
    return (this.#places.get(other.match) ?? 0) < (this.#places.get(found.match) ?? 0) ? other : found;
  }
}

/** A group's table: a virtual host of the group's matches (results name its listener and hostname like the whole one's). */
function compileGroup(vhost: IRVirtualHost, matches: IRHttpMatch[], rules: readonly IRHttpRule[]): Group {
  return { matches, table: compileMatchTable({ hostname: vhost.hostname, listener: vhost.listener, matches }, rules) };
}

/** Every group compiled. */
function groupAll(vhost: IRVirtualHost, rules: readonly IRHttpRule[]): Groups {
  const members = new Map<GroupKey, IRHttpMatch[]>();
  for (const match of vhost.matches) {
    const key = groupKeyOf(match);
    const list = members.get(key);
    if (list === undefined) members.set(key, [match]);
    else list.push(match);
  }
  const base = new Map<GroupKey, Group>();
  for (const [key, matches] of members) base.set(key, compileGroup(vhost, matches, rules));
  return { base, changed: new Map() };
}

/** The members of the `dirty` groups now, in the virtual host's order. */
function membersNow(vhost: IRVirtualHost, last: Grouped, dirty: ReadonlySet<GroupKey>, added: readonly IRHttpMatch[], removed: ReadonlySet<IRHttpMatch>): Map<GroupKey, IRHttpMatch[]> {
  const lists = new Map<GroupKey, IRHttpMatch[]>([...dirty].map((key) => [key, []]));
  const candidates: { match: IRHttpMatch; key: GroupKey }[] = added.map((match) => ({ match, key: groupKeyOf(match) }));
  for (const key of dirty) for (const match of groupOf(last.groups, key)?.matches ?? []) if (!removed.has(match)) candidates.push({ match, key });
  if (candidates.length <= MAX_SEARCHED) {
    // A few: each found by a search (a pointer comparison per match), then put in order.
    const placed = candidates.map(({ match, key }): { match: IRHttpMatch; key: GroupKey; at: number } => ({ match, key, at: vhost.matches.indexOf(match) })).filter(({ at }) => at >= 0);
    placed.sort((a, b) => a.at - b.at);
    for (const { match, key } of placed) lists.get(key)?.push(match);
    return lists;
  }
  const memberOf = new Map<IRHttpMatch, GroupKey>(candidates.map(({ match, key }) => [match, key]));
  for (const match of vhost.matches) {
    const key = memberOf.get(match);
    if (key !== undefined) lists.get(key)?.push(match);
  }
  return lists;
}

/**
 * `last`'s groups again, with only the groups that changed compiled: those of
 * the matches added or removed, and of matches whose rule changed. Undefined
 * when too much changed to be worth it.
 */
function regroup(vhost: IRVirtualHost, rules: readonly IRHttpRule[], last: Grouped): Groups | undefined {
  const limit = Math.min(MAX_CHANGES, Math.max(8, vhost.matches.length >> 3));
  const matchChanges = changes(last.matches, vhost.matches, limit);
  if (matchChanges === undefined) return undefined;
  // Rules may come and go (a new route appends its rules): a match that is
  // the same object names the same index, and the translator makes a new
  // match when its rule's index moves; so a kept match names another rule
  // only where a new rule object took its index, which `ruleChanges` lists.
  const ruleChanges = changes(last.rules, rules, limit);
  if (ruleChanges === undefined) return undefined;
  const dirty = new Set<GroupKey>();
  for (const match of matchChanges.added) dirty.add(groupKeyOf(match));
  for (const match of matchChanges.removed) dirty.add(groupKeyOf(match));
  if (ruleChanges.added.length > 0) {
    const changedRules = new Set(ruleChanges.added);
    for (const match of vhost.matches) if (changedRules.has(rules[match.rule] as IRHttpRule)) dirty.add(groupKeyOf(match));
  }
  if (dirty.size === 0) return last.groups;
  const lists = membersNow(vhost, last, dirty, matchChanges.added, new Set(matchChanges.removed));
  const changed = new Map(last.groups.changed);
  for (const [key, matches] of lists) changed.set(key, matches.length === 0 ? null : compileGroup(vhost, matches, rules));
  if (changed.size <= MAX_CHANGED_GROUPS) return { base: last.groups.base, changed };
  const base = new Map(last.groups.base);
  for (const [key, group] of changed) {
    if (group === null) base.delete(key);
    else base.set(key, group);
  }
  return { base, changed: new Map() };
}

/**
 * The virtual host's table in groups, compiling only the groups that changed
 * since `last` (the same virtual host as last compiled); returns the table and
 * what the next compile starts from.
 */
export function compileGroupedTable(vhost: IRVirtualHost, rules: readonly IRHttpRule[], last: Grouped | undefined): { table: MatchTable; grouped: Grouped } {
  const groups = (last === undefined ? undefined : regroup(vhost, rules, last)) ?? groupAll(vhost, rules);
  return { table: new GroupedMatchTable(groups, vhost.matches), grouped: { matches: vhost.matches, rules, groups } };
}

/** The group a key names in a compile's result (tests). */
export function groupIn(grouped: Grouped, key: GroupKey): Group | undefined {
  return groupOf(grouped.groups, key);
}
