// Control-plane metrics, read from the loop's state when scraped.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ControlState } from './loop.ts';

export function registerControlMetrics(registry: Registry, state: () => ControlState): void {
  new Gauge({
    name: 'portico_config_version',
    help: 'Version of the configuration snapshot currently serving (0 before the first).',
    registers: [registry],
    collect() {
      this.set(state().version);
    },
  });
  new Gauge({
    name: 'portico_config_diagnostics',
    help: 'Problems found in the current configuration input, by severity.',
    labelNames: ['severity'],
    registers: [registry],
    collect() {
      const diagnostics = state().diagnostics;
      this.set({ severity: 'error' }, diagnostics.filter((d) => d.severity === 'error').length);
      this.set({ severity: 'warning' }, diagnostics.filter((d) => d.severity === 'warning').length);
    },
  });
  new Gauge({
    name: 'portico_config_apply_failing',
    help: '1 when the newest configuration could not be applied and an older one keeps serving.',
    registers: [registry],
    collect() {
      this.set(state().lastError === undefined ? 0 : 1);
    },
  });
}
