// Gateway status: Accepted and Programmed, addresses, one entry per listener
// (Accepted, Programmed, ResolvedRefs, Conflicted; supportedKinds;
// attachedRoutes), and attachedListenerSets (0 until ListenerSets attach).
import type { GatewayStatus, ListenerStatus } from '../../model/gatewayapi.ts';
import type { GatewayContext } from '../gateway.ts';
import { gatewayServing } from '../gateway.ts';
import type { ListenerContext } from '../listener.ts';
import { listenerAccepted } from '../listener.ts';
import type { ConditionClock, ConditionState } from './conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './conditions.ts';
import type { ListenerConflictReason } from './reasons.ts';
import { ConditionType, GatewayReason, ListenerReason } from './reasons.ts';

// ---------------------------------------------------------------- Gateway conditions

export function gatewayAccepted(): ConditionState {
  return conditionTrue(ConditionType.Accepted, GatewayReason.Accepted, 'the Gateway is accepted');
}

/** Accepted=True: some listeners are not accepted, the others are served. */
export function gatewayAcceptedListenersNotValid(message: string): ConditionState {
  return conditionTrue(ConditionType.Accepted, GatewayReason.ListenersNotValid, message);
}

export function gatewayNotAccepted(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, reason, message);
}

export function gatewayProgrammed(): ConditionState {
  return conditionTrue(ConditionType.Programmed, GatewayReason.Programmed, 'the Gateway is configured in the data plane');
}

export function gatewayNotProgrammed(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Programmed, reason, message);
}

// ---------------------------------------------------------------- listener conditions

export function listenerAcceptedCondition(): ConditionState {
  return conditionTrue(ConditionType.Accepted, ListenerReason.Accepted, 'the listener is accepted');
}

export function listenerNotAccepted(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, reason, message);
}

export function listenerProgrammed(): ConditionState {
  return conditionTrue(ConditionType.Programmed, ListenerReason.Programmed, 'the listener is configured in the data plane');
}

export function listenerNotProgrammed(reason: string, message: string): ConditionState {
  return conditionFalse(ConditionType.Programmed, reason, message);
}

export function listenerResolvedRefs(): ConditionState {
  return conditionTrue(ConditionType.ResolvedRefs, ListenerReason.ResolvedRefs, 'all references are resolved');
}

export function listenerInvalidRouteKinds(invalid: readonly string[]): ConditionState {
  return conditionFalse(ConditionType.ResolvedRefs, ListenerReason.InvalidRouteKinds, `route kinds not supported by this listener: ${invalid.join(', ')}`);
}

export function listenerNoConflicts(): ConditionState {
  return conditionFalse(ConditionType.Conflicted, ListenerReason.NoConflicts, 'no conflicts with other listeners');
}

export function listenerConflicted(reason: ListenerConflictReason, message: string): ConditionState {
  return conditionTrue(ConditionType.Conflicted, reason, message);
}

// ---------------------------------------------------------------- builders

function listenerConditions(listener: ListenerContext, gateway: GatewayContext): ConditionState[] {
  const problem = listener.rejection ?? listener.conflict;
  const states: ConditionState[] = [];
  states.push(problem === undefined ? listenerAcceptedCondition() : listenerNotAccepted(problem.reason, problem.message));
  if (!listenerAccepted(listener)) {
    states.push(listenerNotProgrammed(listener.conflict?.reason ?? ListenerReason.Invalid, problem?.message ?? ''));
  } else if (!gatewayServing(gateway)) {
    const why = gateway.rejection === undefined ? 'the Gateway is not programmed' : 'the Gateway is not accepted';
    states.push(listenerNotProgrammed(ListenerReason.Invalid, why));
  } else {
    states.push(listenerProgrammed());
  }
  states.push(listener.invalidKinds.length > 0 ? listenerInvalidRouteKinds(listener.invalidKinds) : listenerResolvedRefs());
  states.push(listener.conflict === undefined ? listenerNoConflicts() : listenerConflicted(listener.conflict.reason, listener.conflict.message));
  return states;
}

function gatewayConditions(gateway: GatewayContext): ConditionState[] {
  const { rejection, invalidListeners, notProgrammed } = gateway;
  if (rejection !== undefined) {
    return [gatewayNotAccepted(rejection.reason, rejection.message), gatewayNotProgrammed(GatewayReason.Invalid, 'the Gateway is not accepted')];
  }
  return [
    invalidListeners === undefined ? gatewayAccepted() : gatewayAcceptedListenersNotValid(invalidListeners),
    notProgrammed === undefined ? gatewayProgrammed() : gatewayNotProgrammed(notProgrammed.reason, notProgrammed.message),
  ];
}

export function buildGatewayStatus(gateway: GatewayContext, clock: ConditionClock): GatewayStatus {
  const previous = gateway.gateway.status;
  const listeners: ListenerStatus[] = gateway.listeners.map((listener) => ({
    name: listener.name,
    supportedKinds: listener.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
    attachedRoutes: listener.attachedRoutes,
    conditions: finalizeConditions(
      listenerConditions(listener, gateway),
      previous?.listeners?.find((l) => l.name === listener.name)?.conditions,
      clock,
    ),
  }));
  return {
    // Addresses are reported only once the Gateway is served on them.
    ...(gateway.statusAddresses.length > 0 && gatewayServing(gateway) ? { addresses: gateway.statusAddresses } : {}),
    conditions: finalizeConditions(gatewayConditions(gateway), previous?.conditions, clock),
    listeners,
    attachedListenerSets: 0,
  };
}
