// Route status: one parents[] entry per parentRef to a Gateway Portico
// manages (RouteStatus.parents), each with Accepted, ResolvedRefs and — when
// some rules were dropped — PartiallyInvalid (GEP-1364: the message starts
// with "Dropped Rule"). Entries written by other controllers are kept as
// they are (RouteParentStatus: implementations update only their own).
import type { Condition } from '../../model/meta.ts';
import type { ParentReference, RouteParentStatus, RouteStatus } from '../../model/gatewayapi.ts';
import { parentRefGroup, parentRefKind } from '../defaults.ts';
import type { RouteProblem } from '../route-model.ts';
import type { ConditionClock, ConditionState } from './conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions, joinMessages } from './conditions.ts';
import { ConditionType, RouteReason } from './reasons.ts';

// ---------------------------------------------------------------- conditions

export function routeAccepted(): ConditionState {
  return conditionTrue(ConditionType.Accepted, RouteReason.Accepted, 'the route is accepted');
}

export function routeNotAccepted(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, reason, message);
}

export function routeResolvedRefs(): ConditionState {
  return conditionTrue(ConditionType.ResolvedRefs, RouteReason.ResolvedRefs, 'all references are resolved');
}

export function routeRefsNotResolved(problems: readonly RouteProblem[]): ConditionState {
  return conditionFalse(ConditionType.ResolvedRefs, problems[0]?.reason ?? RouteReason.BackendNotFound, joinMessages(problems.map((p) => p.message)));
}

/** Rules dropped: `dropped` lists rule indexes with their problems (GEP-1364 "Drop Rule(s)"). */
export function routePartiallyInvalid(dropped: readonly { index: number; problem: RouteProblem }[]): ConditionState {
  const message = `Dropped Rule(s) ${dropped.map((d) => d.index).join(', ')}: ${joinMessages(dropped.map((d) => `rule ${d.index}: ${d.problem.message}`))}`;
  return conditionTrue(ConditionType.PartiallyInvalid, dropped[0]?.problem.reason ?? RouteReason.UnsupportedValue, message);
}

// ---------------------------------------------------------------- builder

export interface ParentResult {
  ref: ParentReference;
  /** Accepted=False and why; undefined when accepted. */
  rejection: RouteProblem | undefined;
  /** Rules dropped while the route is accepted. */
  dropped: { index: number; problem: RouteProblem }[];
}

/** The parentRef as status echoes it: group and kind defaulted, other fields as written. */
export function echoParentRef(ref: ParentReference): ParentReference {
  return {
    group: parentRefGroup(ref),
    kind: parentRefKind(ref),
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    name: ref.name,
    ...(ref.sectionName === undefined ? {} : { sectionName: ref.sectionName }),
    ...(ref.port === undefined ? {} : { port: ref.port }),
  };
}

function sameParent(a: ParentReference, b: ParentReference, routeNamespace: string): boolean {
  return (
    parentRefGroup(a) === parentRefGroup(b) &&
    parentRefKind(a) === parentRefKind(b) &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    a.sectionName === b.sectionName &&
    a.port === b.port
  );
}

export function buildRouteStatus(
  previous: RouteStatus | undefined,
  routeNamespace: string,
  parents: readonly ParentResult[],
  refProblems: readonly RouteProblem[],
  controllerName: string,
  clock: ConditionClock,
): RouteStatus {
  const ours: RouteParentStatus[] = parents.map((parent) => {
    const states: ConditionState[] = [
      parent.rejection === undefined ? routeAccepted() : routeNotAccepted(parent.rejection.reason, parent.rejection.message),
      refProblems.length === 0 ? routeResolvedRefs() : routeRefsNotResolved(refProblems),
    ];
    if (parent.rejection === undefined && parent.dropped.length > 0) states.push(routePartiallyInvalid(parent.dropped));
    const before: Condition[] | undefined = previous?.parents.find(
      (p) => p.controllerName === controllerName && sameParent(p.parentRef, parent.ref, routeNamespace),
    )?.conditions;
    return { parentRef: echoParentRef(parent.ref), controllerName, conditions: finalizeConditions(states, before, clock) };
  });
  const others = (previous?.parents ?? []).filter((p) => p.controllerName !== controllerName);
  return { parents: [...ours, ...others] };
}
