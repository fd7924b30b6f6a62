// The routes of the snapshot, kept from one translate run to the next: for
// each route, its outcome (route-outcome.ts), where it attaches, and its
// status; for each listener, the routes attached to it.
//
// A run looks at every route object once. One that is the same object as last
// time, while nothing it depends on but routes changed (`stable`: the same
// Gateway contexts, and no Service, ReferenceGrant, Namespace or BackendTLSPolicy changed), is
// kept as it is. The others have their outcome checked or worked out again,
// and then their attachments and status settled. The listeners' route maps
// are updated in place, and the run reports which routes changed on which
// listener, so the ports built from them (httpport.ts) redo only that.
//
// Several objects of one kind, namespace and name: the first counts (as for
// Gateways); providers never hand over more than one.
import type { AnyRoute } from '../model/gatewayapi.ts';
import type { AttachedRoute } from './httpport.ts';
import type { ListenerCandidate } from './kind-conflicts.ts';
import { crossKindRejections } from './kind-conflicts.ts';
import type { ListenerContext } from './listener.ts';
import type { OutcomeBasis, RouteOutcome, RouteRun, StatusBasis } from './route-outcome.ts';
import { routeKeyOf, routeOutcome, routeStatus, statusStillValid } from './route-outcome.ts';
import { mergeSorted } from './sorted-merge.ts';
import type { ConditionClock } from './status/conditions.ts';
import { RouteReason } from './status/reasons.ts';
import type { ParentResult } from './status/route.ts';
import type { StatusUpdate } from './status-update.ts';

export interface RouteTableRun extends RouteRun {
  /** The same Gateway contexts, and no Service, ReferenceGrant, Namespace or BackendTLSPolicy changed since the last run. */
  stable: boolean;
  controllerName: string;
  now: string;
}

/** Route keys whose attachment to a listener was added, removed or replaced, by listener. */
export type ListenerChanges = Map<ListenerContext, Set<string>>;

interface Slot {
  key: string;
  /** Status order: kind, then namespace, then name. */
  kindRank: number;
  namespace: string;
  name: string;
  object: AnyRoute;
  basis: OutcomeBasis;
  status: StatusBasis | undefined;
  /** Where the route is attached, after cross-kind rejections. */
  records: Map<ListenerContext, AttachedRoute>;
  /** Where an HTTPRoute or GRPCRoute would attach, for the cross-kind check. */
  candidates: ListenerCandidate[];
  /** The cross-kind rejections that applied to it, as text (to notice a change). */
  rejected: string;
  run: number;
  /** False once the route has left the table. */
  live: boolean;
}

const KIND_RANK: Readonly<Record<string, number>> = { HTTPRoute: 2, GRPCRoute: 3, TLSRoute: 4, TCPRoute: 5, UDPRoute: 6 };
const HTTP_KINDS = new Set(['HTTPRoute', 'GRPCRoute']);
/** The dropped rules of a parent that rejects the route: none (one shared list, so results compare by identity). */
const NONE: ParentResult['dropped'] = [];

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSlots(a: Slot, b: Slot): number {
  return a.kindRank - b.kindRank || compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function candidatesOf(outcome: RouteOutcome): ListenerCandidate[] {
  if (outcome.rejectedRules !== undefined || !HTTP_KINDS.has(outcome.compiled.info.kind)) return [];
  const candidates: ListenerCandidate[] = [];
  for (const { attachment } of outcome.parents) {
    if (!attachment.attached) continue;
    for (const { listener, hostnames } of attachment.listeners) candidates.push({ listener, route: outcome.compiled, hostnames });
  }
  return candidates;
}

function rejectionText(slot: Slot, rejections: ReadonlyMap<string, string>): string {
  if (rejections.size === 0 || slot.candidates.length === 0) return '';
  return slot.candidates.map(({ listener }) => rejections.get(`${listener.irName}|${slot.key}`) ?? '').join('\n');
}

export class RouteTable {
  readonly #slots = new Map<string, Slot>();
  /** Every slot, in status order. */
  #order: Slot[] = [];
  readonly #attachments = new Map<ListenerContext, Map<string, AttachedRoute>>();
  /** HTTPRoute and GRPCRoute candidates per listener: only listeners with both can have cross-kind rejections. */
  readonly #kinds = new Map<ListenerContext, { HTTPRoute: number; GRPCRoute: number }>();
  #rejections: ReadonlyMap<string, string> = new Map();
  #run = 0;
  /** Last run's route objects in the order given, and the slot each went to: most objects are at the same place again. */
  #lastObjects: readonly AnyRoute[] = [];
  #lastSlots: (Slot | undefined)[] = [];

  /** The routes attached to each listener (listeners without any are absent). */
  get attachments(): ReadonlyMap<ListenerContext, ReadonlyMap<string, AttachedRoute>> {
    return this.#attachments;
  }

  /** Takes in this snapshot's route objects; returns the route statuses in status order, and what changed where. */
  update(objects: readonly AnyRoute[], run: RouteTableRun): { statuses: StatusUpdate[]; changes: ListenerChanges } {
    const runNo = ++this.#run;
    const lastObjects = this.#lastObjects;
    const lastSlots = this.#lastSlots;
    const slotAt: (Slot | undefined)[] = new Array<Slot | undefined>(objects.length);
    const changes: ListenerChanges = new Map();
    const settle = new Set<Slot>();
    const gone: Slot[] = [];
    const added: Slot[] = [];
    const newKeys = new Set<string>();
    let marked = 0;
    // Last run's list followed in step: an object where it was, or one place on (one gone before it), is found without
    // building its key; after a new object the walk waits for the old list to go on (one added before it).
    let at = 0;
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i] as AnyRoute;
      let last: Slot | undefined;
      if (lastObjects[at] === object) last = lastSlots[at++];
      else if (lastObjects[at + 1] === object) {
        last = lastSlots[at + 1];
        at += 2;
      }
      const placed = last?.live === true ? last : undefined;
      const key = placed?.key ?? routeKeyOf(object);
      const slot = placed ?? this.#slots.get(key);
      if (slot === undefined ? newKeys.has(key) : slot.run === runNo) continue; // the first of a key counts
      if (slot === undefined) newKeys.add(key);
      else {
        slot.run = runNo;
        marked++;
        slotAt[i] = slot;
        if (run.stable && slot.object === object && statusStillValid(slot.status, object, run.now)) continue;
      }
      const basis = routeOutcome(object, key, slot?.basis, run);
      if (basis === undefined) {
        if (slot !== undefined) gone.push(slot);
        continue;
      }
      // The same outcome (the route's spec and metadata, and what it read, are the same objects: only its status was
      // attached again, or a Gateway or ListenerSet changed that it does not read): its attachments stay, and so does
      // its status while it is still valid; cross-kind rejections are settled below.
      if (slot !== undefined && basis === slot.basis && statusStillValid(slot.status, object, run.now) && slot.status.controllerName === run.controllerName && slot.status.update.apiVersion === object.apiVersion) {
        slot.object = object;
        continue;
      }
      const candidates = candidatesOf(basis.outcome);
      this.#count(candidates, 1);
      if (slot === undefined) {
        const fresh: Slot = { key, kindRank: KIND_RANK[object.kind] ?? 9, namespace: basis.outcome.namespace, name: object.metadata.name, object, basis, status: undefined, records: new Map(), candidates, rejected: '', run: runNo, live: true };
        this.#slots.set(key, fresh);
        slotAt[i] = fresh;
        added.push(fresh);
        settle.add(fresh);
      } else {
        this.#count(slot.candidates, -1);
        slot.object = object;
        slot.basis = basis;
        slot.candidates = candidates;
        settle.add(slot);
      }
    }
    this.#lastObjects = objects;
    this.#lastSlots = slotAt;
    if (marked < this.#slots.size - added.length) for (const slot of this.#slots.values()) if (slot.run !== runNo) gone.push(slot);
    for (const slot of gone) {
      this.#count(slot.candidates, -1);
      this.#attach(slot, new Map<ListenerContext, AttachedRoute>(), changes);
      this.#slots.delete(slot.key);
      slot.live = false;
    }

    // HTTPRoutes and GRPCRoutes sharing hostnames on a listener (the older wins): a change there may settle other routes.
    const rejections = this.#crossKindRejections();
    if (rejections.size > 0 || this.#rejections.size > 0) {
      for (const slot of this.#slots.values()) if (rejectionText(slot, rejections) !== slot.rejected) settle.add(slot);
    }
    this.#rejections = rejections;
    for (const slot of settle) this.#settle(slot, run, changes);

    if (gone.length > 0 || added.length > 0) {
      const goneSet = new Set(gone);
      const remaining = gone.length === 0 ? this.#order : this.#order.filter((slot) => !goneSet.has(slot));
      this.#order = mergeSorted(remaining, added.sort(compareSlots), compareSlots);
    }
    return { statuses: this.#order.map((slot) => (slot.status as StatusBasis).update), changes };
  }

  #count(candidates: readonly ListenerCandidate[], delta: number): void {
    for (const { listener, route } of candidates) {
      let counts = this.#kinds.get(listener);
      if (counts === undefined) this.#kinds.set(listener, (counts = { HTTPRoute: 0, GRPCRoute: 0 }));
      counts[route.info.kind === 'GRPCRoute' ? 'GRPCRoute' : 'HTTPRoute'] += delta;
      if (counts.HTTPRoute === 0 && counts.GRPCRoute === 0) this.#kinds.delete(listener);
    }
  }

  #crossKindRejections(): ReadonlyMap<string, string> {
    const mixed = new Set<ListenerContext>();
    for (const [listener, counts] of this.#kinds) if (counts.HTTPRoute > 0 && counts.GRPCRoute > 0) mixed.add(listener);
    if (mixed.size === 0) return new Map();
    const candidates: ListenerCandidate[] = [];
    for (const slot of this.#slots.values()) for (const candidate of slot.candidates) if (mixed.has(candidate.listener)) candidates.push(candidate);
    return crossKindRejections(candidates);
  }

  /** Works out the route's results per parent, its attachments and its status. */
  #settle(slot: Slot, run: RouteTableRun, changes: ListenerChanges): void {
    const outcome = slot.basis.outcome;
    const rejections = this.#rejections;
    const records = new Map<ListenerContext, AttachedRoute>();
    const results: ParentResult[] = outcome.parents.map(({ ref, attachment }) => {
      if (!attachment.attached) return { ref, rejection: { reason: attachment.reason, message: attachment.message }, dropped: NONE };
      if (outcome.rejectedRules !== undefined) return { ref, rejection: outcome.rejectedRules, dropped: NONE };
      const kept = rejections.size === 0 ? attachment.listeners : attachment.listeners.filter(({ listener }) => !rejections.has(`${listener.irName}|${slot.key}`));
      if (kept.length === 0) {
        const message = attachment.listeners.map(({ listener }) => rejections.get(`${listener.irName}|${slot.key}`) ?? '').join('; ');
        return { ref, rejection: { reason: RouteReason.NotAllowedByListeners, message }, dropped: NONE };
      }
      // A route attached twice to one listener (two parentRefs) counts once and serves the union of its hostnames.
      for (const { listener, hostnames } of kept) {
        const existing = records.get(listener);
        records.set(listener, { route: outcome.compiled, key: slot.key, hostnames: existing === undefined ? hostnames : [...new Set([...existing.hostnames, ...hostnames])] });
      }
      return { ref, rejection: undefined, dropped: outcome.dropped };
    });
    slot.rejected = rejectionText(slot, rejections);
    const clock: ConditionClock = { now: run.now, generation: slot.object.metadata.generation };
    slot.status = routeStatus(slot.object, outcome, results, slot.status, run.controllerName, clock);
    this.#attach(slot, records, changes);
  }

  /** Moves the route's attachments to `records`, noting each listener where something changed. */
  #attach(slot: Slot, records: Map<ListenerContext, AttachedRoute>, changes: ListenerChanges): void {
    const note = (listener: ListenerContext) => {
      let keys = changes.get(listener);
      if (keys === undefined) changes.set(listener, (keys = new Set()));
      keys.add(slot.key);
    };
    for (const listener of slot.records.keys()) {
      if (records.has(listener)) continue;
      const routes = this.#attachments.get(listener);
      routes?.delete(slot.key);
      if (routes?.size === 0) this.#attachments.delete(listener);
      note(listener);
    }
    for (const [listener, record] of records) {
      const old = slot.records.get(listener);
      if (old !== undefined && old.route === record.route && sameStrings(old.hostnames, record.hostnames)) {
        records.set(listener, old);
        continue;
      }
      let routes = this.#attachments.get(listener);
      if (routes === undefined) this.#attachments.set(listener, (routes = new Map<string, AttachedRoute>()));
      routes.set(slot.key, record);
      note(listener);
    }
    slot.records = records;
  }
}
