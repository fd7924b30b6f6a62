// GatewayClass status: Accepted, and SupportedVersion as controllers of
// Gateway API v1.5+ write it once they accept a class (GatewayClass
// SupportedVersion condition). Portico implements v1.6 and reads no CRDs in
// file mode, so the version is supported.
import type { GatewayClassStatus } from '../../model/gatewayapi.ts';
import type { GatewayClassContext } from '../gatewayclass.ts';
import type { ConditionClock, ConditionState } from './conditions.ts';
import { conditionFalse, conditionTrue, finalizeConditions } from './conditions.ts';
import { ConditionType, GatewayClassReason } from './reasons.ts';

export function gatewayClassAccepted(): ConditionState {
  return conditionTrue(ConditionType.Accepted, GatewayClassReason.Accepted, 'Portico manages Gateways of this class');
}

export function gatewayClassInvalidParameters(message: string): ConditionState {
  return conditionFalse(ConditionType.Accepted, GatewayClassReason.InvalidParameters, message);
}

export function gatewayClassSupportedVersion(): ConditionState {
  return conditionTrue(ConditionType.SupportedVersion, GatewayClassReason.SupportedVersion, 'Portico implements Gateway API v1.6');
}

export function buildGatewayClassStatus(context: GatewayClassContext, clock: ConditionClock): GatewayClassStatus {
  const states = [
    context.invalidParameters === undefined ? gatewayClassAccepted() : gatewayClassInvalidParameters(context.invalidParameters),
    gatewayClassSupportedVersion(),
  ];
  return { conditions: finalizeConditions(states, context.gatewayClass.status?.conditions, clock) };
}
