// Conditions as translate computes them (type, status, reason, message), and
// the step that turns them into metav1.Conditions: observedGeneration from the
// object, and lastTransitionTime kept from the object's current status when
// the condition's status did not change (metav1 convention), else `now`.
import type { Condition } from '../../model/meta.ts';

export interface ConditionState {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export function conditionTrue(type: string, reason: string, message: string): ConditionState {
  return { type, status: 'True', reason, message };
}

export function conditionFalse(type: string, reason: string, message: string): ConditionState {
  return { type, status: 'False', reason, message };
}

export interface ConditionClock {
  now: string;
  generation: number | undefined;
}

/** Finalises conditions in the order given; `previous` is the object's current list. */
export function finalizeConditions(
  states: readonly ConditionState[],
  previous: readonly Condition[] | undefined,
  clock: ConditionClock,
): Condition[] {
  return states.map((state) => {
    const before = previous?.find((c) => c.type === state.type);
    const lastTransitionTime = before !== undefined && before.status === state.status && before.lastTransitionTime ? before.lastTransitionTime : clock.now;
    return {
      type: state.type,
      status: state.status,
      reason: state.reason,
      message: state.message,
      ...(clock.generation === undefined ? {} : { observedGeneration: clock.generation }),
      lastTransitionTime,
    };
  });
}

/** Joins distinct messages in order, for a condition that summarises several problems. */
export function joinMessages(messages: readonly string[]): string {
  return [...new Set(messages)].join('; ');
}
