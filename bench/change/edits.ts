// Route changes under traffic: N edits to a live route, each applied before
// the next (backend swaps, weight changes, match changes, in turn; every tenth
// also edits the WebSocket's route), while a steady open-loop client sends
// requests that every version of the route accepts, a WebSocket exchanges
// messages, and (when Portico speaks it) an HTTP/2 connection sends requests.
// Every failed request, reset and disconnect counts; nothing is retried.
import { performance } from 'node:perf_hooks';
import { startEcho } from '../../src/echo/server.ts';
import { runOpenLoop } from '../load/open-loop.ts';
import type { OpenLoopResult } from '../load/open-loop.ts';
import { percentiles } from '../stats.ts';
import type { Percentiles } from '../stats.ts';
import { startTrackingBackend } from './backends.ts';
import { withPortico } from './context.ts';
import type { ChangeContext } from './context.ts';
import { GATEWAY_NAMESPACE, exactMatch, gatewayYaml, httpRouteYaml, prefixAndHeaderMatch, prefixMatch, responseHeaderFilter, serviceYaml } from '../gateway-yaml.ts';
import { h2cProblem, startHttp2Stream, startWebSocketExchange } from './streams.ts';
import type { Http2Tally, WebSocketTally } from './streams.ts';

export interface EditsResult {
  edits: number;
  /** Write of the edit → Portico reports the new version. */
  applyMs: Percentiles;
  steady: OpenLoopResult;
  /** Requests each backend got: both must have served, or the swaps did nothing. */
  blueRequests: number;
  greenRequests: number;
  webSocket: WebSocketTally;
  http2: Http2Tally | { skipped: string };
}

const HOST = 'bench.example';
/** What the steady client sends: every match below accepts it. */
const STEADY = { path: '/app/item', headers: { 'x-bench': 'steady' } };

const MATCHES = [
  [prefixMatch('/app')],
  [prefixAndHeaderMatch('/app', 'x-bench', 'steady')],
  [exactMatch('/app/item'), prefixMatch('/app/')],
];
const WEIGHTS = [
  [{ name: 'blue', weight: 90 }, { name: 'green', weight: 10 }],
  [{ name: 'blue', weight: 50 }, { name: 'green', weight: 50 }],
  [{ name: 'blue', weight: 10 }, { name: 'green', weight: 90 }],
];

interface AppState {
  matches: string[];
  backends: { name: string; weight?: number }[];
}

/** The route after edit `i`: 0 swaps the backend, 1 changes weights, 2 changes the match, in turn. */
export function nextAppState(state: AppState, i: number): AppState {
  const step = Math.floor(i / 3);
  switch (i % 3) {
    case 0: {
      const current = state.backends.length === 1 ? state.backends[0]?.name : undefined;
      return { ...state, backends: [{ name: current === 'blue' ? 'green' : 'blue' }] };
    }
    case 1:
      return { ...state, backends: WEIGHTS[step % WEIGHTS.length] as AppState['backends'] };
    default:
      return { ...state, matches: MATCHES[(step + 1) % MATCHES.length] as string[] };
  }
}

const appRoute = (state: AppState): string => httpRouteYaml({ name: 'app', namespace: GATEWAY_NAMESPACE, rules: [{ matches: state.matches, backends: state.backends }] });
const wsRoute = (version: number): string => httpRouteYaml({ name: 'ws', namespace: GATEWAY_NAMESPACE, rules: [{ matches: [prefixMatch('/ws')], filters: [responseHeaderFilter('x-route-version', String(version))], backends: [{ name: 'ws' }] }] });

export async function measureEdits(context: ChangeContext, edits: number, rate: number): Promise<EditsResult> {
  const blue = await startTrackingBackend('blue');
  const green = await startTrackingBackend('green');
  const echo = await startEcho({ host: '127.0.0.1', name: 'ws' });
  let state: AppState = { matches: MATCHES[0] as string[], backends: [{ name: 'blue' }] };
  try {
    return await withPortico(context, 'edits', (port) => ({
      'gateway.yaml': gatewayYaml(port),
      'backends.yaml': [serviceYaml('blue', GATEWAY_NAMESPACE, [blue.port]), serviceYaml('green', GATEWAY_NAMESPACE, [green.port]), serviceYaml('ws', GATEWAY_NAMESPACE, [echo.port])].join('---\n'),
      'app.yaml': appRoute(state),
      'ws.yaml': wsRoute(0),
    }), async ({ port, portico, write }) => {
      const webSocket = await startWebSocketExchange(`ws://127.0.0.1:${port}/ws/echo`);
      const h2Headers = { ':path': STEADY.path, ':authority': HOST, ...STEADY.headers };
      const h2Skip = await h2cProblem(port, h2Headers);
      if (h2Skip) context.progress(`    HTTP/2 streams: skipped — HTTP/2 (h2c, prior knowledge) not supported yet: ${h2Skip}`);
      const http2 = h2Skip ? undefined : startHttp2Stream(port, h2Headers);
      const abort = new AbortController();
      const steady = runOpenLoop({ port, host: HOST, paths: [STEADY.path], headers: STEADY.headers, rate, signal: abort.signal, connections: 8 });
      const applyMs: number[] = [];
      try {
        let version = await portico.version();
        for (let i = 0; i < edits; i++) {
          state = nextAppState(state, i);
          const start = performance.now();
          await write('app.yaml', appRoute(state));
          if (i % 10 === 9) await write('ws.yaml', wsRoute(i));
          const seen = await portico.waitForVersion(version);
          version = seen.version;
          applyMs.push(seen.at - start);
          if ((i + 1) % Math.max(1, Math.floor(edits / 10)) === 0) context.progress(`    ${i + 1}/${edits} edits applied (p50 ${percentiles(applyMs).p50.toFixed(1)} ms from write to new version)`);
        }
      } finally {
        abort.abort();
      }
      return {
        edits,
        applyMs: percentiles(applyMs),
        steady: await steady,
        blueRequests: blue.count,
        greenRequests: green.count,
        webSocket: await webSocket.stop(),
        http2: http2 ? await http2.stop() : { skipped: `HTTP/2 (h2c, prior knowledge) not supported yet: ${h2Skip ?? ''}` },
      };
    });
  } finally {
    await Promise.all([blue.close(), green.close(), echo.close()]);
  }
}
