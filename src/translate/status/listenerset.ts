// ListenerSet status (apis/v1 listenerset_types.go, GEP-1713 "ListenerSet
// Conditions"): Accepted and Programmed, and one entry per listener like a
// Gateway's (Accepted, Programmed, ResolvedRefs, Conflicted; supportedKinds;
// attachedRoutes).
//
//   - not taken by the Gateway (allowedListeners): Accepted=False and
//     Programmed=False, NotAllowed (as the conformance suite expects), and no
//     listener entries, since none of its listeners is merged;
//   - the Gateway not Accepted: Accepted=False ParentNotAccepted,
//     Programmed=False ParentNotProgrammed;
//   - no listener that can serve (each rejected, conflicted, or without a
//     usable certificate): Accepted=False and Programmed=False,
//     ListenersNotValid (the conformance suite's ListenerSetReferenceGrant
//     counts a listener whose only certificate is not granted as not valid);
//   - otherwise Accepted=True (reason ListenersNotValid when some listeners
//     are not accepted, as for a Gateway), and Programmed=True unless the
//     Gateway is not programmed (ParentNotProgrammed).
import type { ListenerSetStatus } from '../../model/gatewayapi.ts';
import type { GatewayContext } from '../gateway.ts';
import type { ListenerContext } from '../listener.ts';
import type { ListenerSetContext } from '../listenerset.ts';
import type { GatewayTls } from '../tls/gateway-tls.ts';
import { tlsServable } from '../tls/gateway-tls.ts';
import type { ConditionClock, ConditionState } from './conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './conditions.ts';
import { gatewayAcceptedWithTls, listenerConditions, listenerRejection } from './gateway.ts';
import { ConditionType, ListenerSetReason } from './reasons.ts';

type Verdict =
  | { accepted: false; reason: string; message: string; programmedReason: string }
  | { accepted: true; notAccepted: string[] };

function verdict(set: ListenerSetContext, gateway: GatewayContext, tls: GatewayTls): Verdict {
  if (set.notAllowed !== undefined) return { accepted: false, reason: ListenerSetReason.NotAllowed, message: set.notAllowed, programmedReason: ListenerSetReason.NotAllowed };
  if (!gatewayAcceptedWithTls(gateway, tls)) {
    return { accepted: false, reason: ListenerSetReason.ParentNotAccepted, message: `Gateway ${gateway.namespace}/${gateway.name} is not accepted`, programmedReason: ListenerSetReason.ParentNotProgrammed };
  }
  const notAccepted = set.listeners.filter((l) => listenerRejection(l, tls.listeners.get(l)) !== undefined).map((l) => l.name);
  if (!set.listeners.some((l) => servable(l, tls))) {
    const message = `no listener can serve (${set.listeners.map((l) => l.name).join(', ')}): see status.listeners`;
    return { accepted: false, reason: ListenerSetReason.ListenersNotValid, message, programmedReason: ListenerSetReason.ListenersNotValid };
  }
  return { accepted: true, notAccepted };
}

function servable(listener: ListenerContext, tls: GatewayTls): boolean {
  const own = tls.listeners.get(listener);
  return listenerRejection(listener, own) === undefined && tlsServable(own);
}

/** Accepted=True: taken by an accepted Gateway, with a listener that can serve (GatewayStatus.attachedListenerSets counts these). */
export function listenerSetAccepted(set: ListenerSetContext, gateway: GatewayContext, tls: GatewayTls): boolean {
  return verdict(set, gateway, tls).accepted;
}

function setConditions(set: ListenerSetContext, gateway: GatewayContext, tls: GatewayTls): ConditionState[] {
  const judged = verdict(set, gateway, tls);
  if (!judged.accepted) {
    return [conditionFalse(ConditionType.Accepted, judged.reason, judged.message), conditionFalse(ConditionType.Programmed, judged.programmedReason, judged.message)];
  }
  const accepted =
    judged.notAccepted.length === 0
      ? conditionTrue(ConditionType.Accepted, ListenerSetReason.Accepted, 'the ListenerSet is accepted')
      : conditionTrue(ConditionType.Accepted, ListenerSetReason.ListenersNotValid, `listeners not accepted: ${judged.notAccepted.join(', ')}`);
  const programmed =
    gateway.notProgrammed === undefined
      ? conditionTrue(ConditionType.Programmed, ListenerSetReason.Programmed, 'the ListenerSet is configured in the data plane')
      : conditionFalse(ConditionType.Programmed, ListenerSetReason.ParentNotProgrammed, `Gateway ${gateway.namespace}/${gateway.name} is not programmed`);
  return [accepted, programmed];
}

/** `overlaps`: overlappingHostnames() over every listener the Gateway serves. */
export function buildListenerSetStatus(
  set: ListenerSetContext,
  gateway: GatewayContext,
  tls: GatewayTls,
  overlaps: ReadonlyMap<ListenerContext, string>,
  clock: ConditionClock,
): ListenerSetStatus {
  const previous = set.listenerSet.status;
  const conditions = finalizeConditions(setConditions(set, gateway, tls), previous?.conditions, clock);
  if (set.notAllowed !== undefined) return { conditions };
  return {
    conditions,
    listeners: set.listeners.map((listener) => ({
      name: listener.name,
      supportedKinds: listener.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
      attachedRoutes: listener.attachedRoutes,
      conditions: finalizeConditions(
        listenerConditions(listener, gateway, tls.listeners.get(listener), overlaps.get(listener)),
        previous?.listeners?.find((l) => l.name === listener.name)?.conditions,
        clock,
      ),
    })),
  };
}
