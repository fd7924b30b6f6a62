// GatewayClass acceptance. Portico manages classes whose controllerName is its
// own; it defines no parameters kinds yet, so any parametersRef is invalid
// (GatewayClassSpec.parametersRef: InvalidParameters).
import type { GatewayClass } from '../model/gatewayapi.ts';

export interface GatewayClassContext {
  gatewayClass: GatewayClass;
  /** Why the class is not accepted; undefined when it is. */
  invalidParameters: string | undefined;
}

export function evaluateGatewayClass(gatewayClass: GatewayClass): GatewayClassContext {
  const ref = gatewayClass.spec.parametersRef;
  const invalidParameters =
    ref === undefined
      ? undefined
      : `parametersRef ${ref.group === '' ? 'core' : ref.group}/${ref.kind} ${ref.name}: Portico has no GatewayClass parameters kinds`;
  return { gatewayClass, invalidParameters };
}

export function gatewayClassAccepted(context: GatewayClassContext): boolean {
  return context.invalidParameters === undefined;
}
