// Route propagation: routes added one by one, each as a new file; the clock
// starts before the file is written and stops when a request on the new
// route's path gets the backend's answer instead of a 404 (one keep-alive
// client asking back to back). With background load, wrk keeps the proxy busy
// on another route meanwhile.
import { performance } from 'node:perf_hooks';
import type { LoadResult } from '../load/wrk.ts';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';
import { startBackgroundLoad } from './background.ts';
import type { Background } from './background.ts';
import { startTrackingBackend } from './backends.ts';
import { withPortico } from './context.ts';
import type { ChangeContext } from './context.ts';
import { GATEWAY_NAMESPACE, gatewayYaml, httpRouteYaml, prefixMatch, serviceYaml } from '../gateway-yaml.ts';
import { createProbe } from './probe.ts';

export interface PropagationResult {
  withLoad: boolean;
  routes: number;
  latencyMs: Percentiles;
  /** Routes that did not answer within the deadline. */
  timedOut: number;
  /** Probe requests that failed outright (connection errors) while waiting. */
  failures: number;
  background?: LoadResult;
}

const HOST = 'bench.example';
const DEADLINE_MS = 10_000;

const routeFile = (i: number): string =>
  httpRouteYaml({ name: `route-${i}`, namespace: GATEWAY_NAMESPACE, rules: [{ matches: [prefixMatch(`/r${i}/`)], backends: [{ name: 'app' }] }] });

export async function measurePropagation(context: ChangeContext, routes: number, withLoad: boolean): Promise<PropagationResult> {
  const backend = await startTrackingBackend('app');
  try {
    return await withPortico(context, `propagation-${withLoad ? 'load' : 'idle'}`, (port) => ({
      'gateway.yaml': gatewayYaml(port),
      'backend.yaml': serviceYaml('app', GATEWAY_NAMESPACE, [backend.port]),
      // The background load's own route.
      'bg.yaml': httpRouteYaml({ name: 'background', namespace: GATEWAY_NAMESPACE, rules: [{ matches: [prefixMatch('/bg/')], backends: [{ name: 'app' }] }] }),
    }), async ({ port, write }) => {
      const probe = createProbe(port, HOST);
      let background: Background | undefined;
      try {
        const first = await probe.until('/bg/x', (answer) => answer.status === 200, DEADLINE_MS);
        if (first.at === undefined) throw new Error('the background route never answered');
        if (withLoad) background = await startBackgroundLoad({ wrk: context.tools.wrk as string, cores: context.cores.load, port, host: HOST, path: '/bg/x', connections: 16, dir: context.dir });
        const latencies: number[] = [];
        let timedOut = 0;
        let failures = 0;
        for (let i = 0; i < routes; i++) {
          const start = performance.now();
          await write(`routes/route-${i}.yaml`, routeFile(i));
          const served = await probe.until(`/r${i}/x`, (answer) => answer.status === 200, DEADLINE_MS);
          failures += served.failures;
          if (served.at === undefined) timedOut++;
          else latencies.push(served.at - start);
          if ((i + 1) % Math.max(1, Math.floor(routes / 10)) === 0) {
            const sofar = percentiles(latencies);
            context.progress(`    ${i + 1}/${routes} routes: p50 ${sofar.p50.toFixed(1)} ms, p99 ${sofar.p99.toFixed(1)} ms${timedOut ? `, ${timedOut} timed out` : ''}`);
          }
        }
        const result: PropagationResult = { withLoad, routes, latencyMs: percentiles(latencies), timedOut, failures };
        if (background) {
          result.background = await background.stop();
          background = undefined;
        }
        return result;
      } finally {
        await background?.stop().catch(() => undefined);
        probe.close();
      }
    });
  } finally {
    await backend.close();
  }
}
