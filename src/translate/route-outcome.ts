// One route's work, and when it can be kept for the next snapshot: the
// compiled route, its attachment to each parent Gateway, and its status.
//
// Compilation and attachment depend on the route object, the Gateways its
// parentRefs name, and whatever they looked up in the index (Services,
// ReferenceGrants, namespace labels: recorded by index-reads.ts); the work is
// kept while all of those are the same objects. The status is kept while the
// route's outcome per parent, its generation and its current status are what
// they were, since building it again would give the same conditions.
import type { AnyRoute, ParentReference, RouteStatus } from '../model/gatewayapi.ts';
import type { ParentAttachment, RouteParentContext } from './attachment.ts';
import { attachToParent, routeParent } from './attachment.ts';
import { namespaceOf } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import { compileGrpcRoute } from './grpcroute.ts';
import { compileHttpRoute } from './httproute.ts';
import type { IndexRead } from './index-reads.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { readsStillValid, recordingIndex } from './index-reads.ts';
import { compileL4Route } from './l4route.ts';
import type { RegexCheck } from './regex-cache.ts';
import type { IndexedKind, ResourceIndex } from './resource-index.ts';
import type { CompiledRoute, RouteProblem } from './route-model.ts';
import type { ConditionClock } from './status/conditions.ts';
import type { ParentResult } from './status/route.ts';
import { buildRouteStatus } from './status/route.ts';
import type { StatusUpdate } from './status-update.ts';
import { sameStatusUpdate } from './status-update.ts';

export interface RouteParent {
  ref: ParentReference;
  attachment: ParentAttachment;
}

/** A route's listener-independent outcome. */
export interface RouteOutcome {
  /** "Kind/namespace/name" */
  key: string;
  namespace: string;
  compiled: CompiledRoute;
  /** Accepted=False for every parent: no rule is valid. */
  rejectedRules: RouteProblem | undefined;
  /** Rules dropped while the route is accepted (GEP-1364). */
  dropped: { index: number; problem: RouteProblem }[];
  /** One per parentRef naming a Gateway Portico manages (or a ListenerSet of one), in spec order. */
  parents: RouteParent[];
}

/** What an outcome was worked out from, to tell whether it still holds. */
export interface OutcomeBasis {
  spec: object;
  metadata: object;
  /** What each parentRef named. */
  gateways: (RouteParentContext | undefined)[];
  reads: IndexRead[];
  outcome: RouteOutcome;
}

/** What a status was built from. */
export interface StatusBasis {
  update: StatusUpdate;
  /** The status the route carried. */
  previous: RouteStatus | undefined;
  now: string;
  generation: number | undefined;
  controllerName: string;
  results: readonly ParentResult[];
  refProblems: readonly RouteProblem[];
}

export interface RouteRun {
  index: ResourceIndex;
  changed: ReadonlySet<IndexedKind>;
  gateways: ReadonlyMap<string, GatewayContext>;
  /** ListenerSets of those Gateways by "<ns>/<name>". */
  listenerSets: ReadonlyMap<string, ListenerSetContext>;
  regex: RegexCheck;
}

export function routeKeyOf(object: AnyRoute): string {
  return `${object.kind}/${namespaceOf(object.metadata)}/${object.metadata.name}`;
}

function compileRoute(object: AnyRoute, index: ResourceIndex, regex: RegexCheck): CompiledRoute {
  switch (object.kind) {
    case 'HTTPRoute':
      return compileHttpRoute(object, index, regex);
    case 'GRPCRoute':
      return compileGrpcRoute(object, index, regex);
    default:
      return compileL4Route(object, index);
  }
}

/** Whether the route's rules leave anything to accept: all dropped → Accepted=False with the first rule's reason. */
function rulesRejection(route: CompiledRoute): RouteProblem | undefined {
  if (route.rules.length === 0 || route.rules.some((rule) => rule.invalid === undefined)) return undefined;
  const first = route.rules[0]?.invalid;
  return first === undefined ? undefined : { reason: first.reason, message: `no valid rule: ${route.rules.map((r) => `rule ${r.index}: ${r.invalid?.message ?? ''}`).join('; ')}` };
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The route's outcome in this run: `basis` again when it still holds, else
 * worked out anew; undefined when no parentRef names a Gateway Portico manages
 * or a ListenerSet of one.
 */
export function routeOutcome(object: AnyRoute, key: string, basis: OutcomeBasis | undefined, run: RouteRun): OutcomeBasis | undefined {
  const namespace = namespaceOf(object.metadata);
  const refs = object.spec.parentRefs ?? [];
  const gateways = refs.map((ref) => routeParent(ref, namespace, run.gateways, run.listenerSets));
  if (gateways.every((gateway) => gateway === undefined)) return undefined;
  if (
    basis !== undefined &&
    basis.spec === object.spec &&
    basis.metadata === object.metadata &&
    sameList(basis.gateways, gateways) &&
    readsStillValid(basis.reads, run.index, run.changed)
  ) {
    return basis;
  }
  const reads: IndexRead[] = [];
  const index = recordingIndex(run.index, reads);
  const compiled = compileRoute(object, index, run.regex);
  const parents: RouteParent[] = [];
  refs.forEach((ref, i) => {
    const gateway = gateways[i];
    if (gateway !== undefined) parents.push({ ref, attachment: attachToParent(compiled.info, ref, gateway, index) });
  });
  const outcome: RouteOutcome = {
    key,
    namespace,
    compiled,
    rejectedRules: rulesRejection(compiled),
    dropped: compiled.rules.flatMap((rule) => (rule.invalid === undefined ? [] : [{ index: rule.index, problem: rule.invalid }])),
    parents,
  };
  return { spec: object.spec, metadata: object.metadata, gateways, reads, outcome };
}

function sameResults(a: readonly ParentResult[], b: readonly ParentResult[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ParentResult;
    const y = b[i] as ParentResult;
    if (x.ref !== y.ref || x.dropped !== y.dropped || x.rejection?.reason !== y.rejection?.reason || x.rejection?.message !== y.rejection?.message) return false;
  }
  return true;
}

/** Whether a status built now would be `basis.update` again. */
export function statusStillValid(basis: StatusBasis | undefined, object: AnyRoute, now: string): basis is StatusBasis {
  // Built from its own last status, or from the same status at the same time: the same conditions again.
  return basis !== undefined && (object.status === basis.update.status || (object.status === basis.previous && now === basis.now));
}

/** The route's status for `results` (one per parent in `outcome.parents`); `basis` is what the last one was built from. */
export function routeStatus(
  object: AnyRoute,
  outcome: RouteOutcome,
  results: readonly ParentResult[],
  basis: StatusBasis | undefined,
  controllerName: string,
  clock: ConditionClock,
): StatusBasis {
  if (
    statusStillValid(basis, object, clock.now) &&
    basis.controllerName === controllerName &&
    basis.generation === clock.generation &&
    basis.update.apiVersion === object.apiVersion &&
    basis.refProblems === outcome.compiled.refProblems &&
    sameResults(basis.results, results)
  ) {
    return basis;
  }
  const built: StatusUpdate = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { namespace: outcome.namespace, name: object.metadata.name },
    status: buildRouteStatus(object.status, outcome.namespace, results, outcome.compiled.refProblems, controllerName, clock),
  };
  const update = basis !== undefined && sameStatusUpdate(basis.update, built) ? basis.update : built;
  return { update, previous: object.status, now: clock.now, generation: clock.generation, controllerName, results, refProblems: outcome.compiled.refProblems };
}
