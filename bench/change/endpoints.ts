// Endpoint churn: a Service's endpoints change under steady traffic (one
// removed, one added, per step) and the backends themselves say when traffic
// stopped reaching the removed one and started reaching the added one. A
// request sent after Portico reported the new version must not reach the
// removed endpoint (it is still running, so such a request would succeed and
// hide the mistake from the client: the backend's own log is the judge). The
// client numbers its requests, so "sent after" does not depend on when this
// busy process got round to reading an arrival.
import { performance } from 'node:perf_hooks';
import { runOpenLoop } from '../load/open-loop.ts';
import type { OpenLoopResult } from '../load/open-loop.ts';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';
import { sleep } from '../system.ts';
import { startTrackingBackend } from './backends.ts';
import type { TrackingBackend } from './backends.ts';
import { withPortico } from './context.ts';
import type { ChangeContext } from './context.ts';
import { GATEWAY_NAMESPACE, endpointSliceYaml, gatewayYaml, httpRouteYaml, prefixMatch, serviceYaml } from '../gateway-yaml.ts';

export interface EndpointStep {
  /** Write → Portico reports the new version. */
  appliedMs: number;
  /** Write → the last request the removed endpoint received (0: none after the write). */
  stoppedMs: number;
  /** Write → the first request the added endpoint received (undefined: none). */
  reachedMs: number | undefined;
  /** Requests sent after Portico reported the new version that still reached the removed endpoint. */
  lateRequests: number;
}

export interface EndpointsResult {
  steps: EndpointStep[];
  /** Per step, the later of "stopped reaching the removed" and "reached the added". */
  settleMs: Percentiles;
  appliedMs: Percentiles;
  lateRequests: number;
  unreached: number;
  steady: OpenLoopResult;
}

const HOST = 'bench.example';
/** After the new version, how long to keep watching for strays before the next step. */
const WATCH_MS = 250;

export async function measureEndpointChurn(context: ChangeContext, steps: number, rate: number): Promise<EndpointsResult> {
  const backends: TrackingBackend[] = [];
  for (let i = 0; i < 4; i++) backends.push(await startTrackingBackend(`endpoint-${i}`));
  // Three of the four serve at a time; each step rotates one out and the idle one in.
  let active = backends.slice(0, 3);
  const slices = (set: TrackingBackend[]): string => endpointSliceYaml('pool', GATEWAY_NAMESPACE, set.map((backend) => backend.port));
  try {
    return await withPortico(context, 'endpoints', (port) => ({
      'gateway.yaml': gatewayYaml(port),
      'service.yaml': serviceYaml('pool', GATEWAY_NAMESPACE, []),
      'slices.yaml': slices(active),
      'route.yaml': httpRouteYaml({ name: 'pool', namespace: GATEWAY_NAMESPACE, rules: [{ matches: [prefixMatch('/pool')], backends: [{ name: 'pool' }] }] }),
    }), async ({ port, portico, write }) => {
      const abort = new AbortController();
      const counter = { sent: 0 };
      const steady = runOpenLoop({ port, host: HOST, paths: ['/pool/x'], rate, signal: abort.signal, connections: 8, counter });
      const results: EndpointStep[] = [];
      try {
        await sleep(500); // traffic flowing to the first three before the first change
        let version = await portico.version();
        for (let step = 0; step < steps; step++) {
          const removed = active[0] as TrackingBackend;
          const added = backends.find((backend) => !active.includes(backend)) as TrackingBackend;
          active = [...active.slice(1), added];
          const start = performance.now();
          await write('slices.yaml', slices(active));
          const seen = await portico.waitForVersion(version);
          const sentBeforeApplied = counter.sent;
          version = seen.version;
          await sleep(WATCH_MS);
          const strays = removed.arrivalsSince(start);
          const arrivals = added.arrivalsSince(start);
          results.push({
            appliedMs: seen.at - start,
            stoppedMs: strays.length > 0 ? (strays[strays.length - 1]?.at ?? start) - start : 0,
            reachedMs: arrivals.length > 0 ? (arrivals[0]?.at ?? start) - start : undefined,
            lateRequests: strays.filter((arrival) => arrival.seq >= sentBeforeApplied).length,
          });
          if ((step + 1) % Math.max(1, Math.floor(steps / 5)) === 0) context.progress(`    ${step + 1}/${steps} endpoint changes`);
        }
      } finally {
        abort.abort();
      }
      const settle = results.map((step) => Math.max(step.stoppedMs, step.reachedMs ?? Number.POSITIVE_INFINITY));
      return {
        steps: results,
        settleMs: percentiles(settle),
        appliedMs: percentiles(results.map((step) => step.appliedMs)),
        lateRequests: results.reduce((sum, step) => sum + step.lateRequests, 0),
        unreached: results.filter((step) => step.reachedMs === undefined).length,
        steady: await steady,
      };
    });
  } finally {
    await Promise.all(backends.map((backend) => backend.close()));
  }
}
