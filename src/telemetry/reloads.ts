// Configuration reloads, counted where the control loop hands an IR to the
// data plane: `result="success"` once every process serves it, "failure" when
// one refused it and the previous configuration kept serving.
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { IR } from '../ir/types.ts';

export function countingReloads(registry: Registry, apply: (ir: IR) => Promise<void>): (ir: IR) => Promise<void> {
  const reloads = new Counter({
    name: 'portico_config_reloads_total',
    help: 'Configurations handed to the data plane (the first one included), by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  reloads.inc({ result: 'success' }, 0);
  reloads.inc({ result: 'failure' }, 0);
  return async (ir) => {
    try {
      await apply(ir);
    } catch (error) {
      reloads.inc({ result: 'failure' });
      throw error;
    }
    reloads.inc({ result: 'success' });
  };
}
