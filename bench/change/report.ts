// The change bench's results as lines and as the issue's targets.
import type { Percentiles } from '../stats.ts';
import { judge, notMeasured } from '../targets.ts';
import type { TargetRow } from '../targets.ts';
import type { EditsResult } from './edits.ts';
import type { EndpointsResult } from './endpoints.ts';
import type { PropagationResult } from './propagation.ts';
import type { StatusResult } from './status.ts';

export interface ChangeResults {
  propagation: PropagationResult[];
  edits?: EditsResult;
  endpoints?: EndpointsResult;
  status?: StatusResult;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const statusDetail = (counts: Record<string, number>): string => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([status, count]) => `${status}: ${count}`).join(', ')})`;
};
const spreadText = (p: Percentiles): string => `p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)} (n=${p.count})`;

export function describeResults(results: ChangeResults): string[] {
  const lines: string[] = [];
  for (const run of results.propagation) {
    lines.push(`route propagation, ${run.withLoad ? 'with background load' : 'idle'}: ${run.routes} routes one by one, write → served: ${spreadText(run.latencyMs)}; ${run.timedOut} timed out, ${run.failures} probe requests failed`);
    if (run.background) lines.push(`  background wrk meanwhile: ${Math.round(run.background.requestsPerSecond).toLocaleString('en-US')} req/s, ${run.background.socketErrors + run.background.badStatuses} errors`);
  }
  const { edits, endpoints, status } = results;
  if (edits) {
    const steady = edits.steady;
    lines.push(`route changes under traffic: ${edits.edits} edits, write → new version ${spreadText(edits.applyMs)}`);
    lines.push(`  steady client: ${steady.completed.toLocaleString('en-US')} of ${steady.scheduled.toLocaleString('en-US')} requests answered at ${Math.round(steady.offeredRate)} req/s; bad statuses ${steady.badStatuses}${statusDetail(steady.statusCounts)}, resets ${steady.resets}, closed early ${steady.closedEarly}, timeouts ${steady.timeouts}, connect errors ${steady.connectErrors}, unsent ${steady.unsent}`);
    lines.push(`  backends served: blue ${edits.blueRequests}, green ${edits.greenRequests}`);
    lines.push(`  WebSocket: ${edits.webSocket.echoed} of ${edits.webSocket.sent} messages echoed, ${edits.webSocket.disconnects} disconnects${edits.webSocket.errors.length ? ` (${edits.webSocket.errors.slice(0, 3).join('; ')})` : ''}`);
    lines.push('skipped' in edits.http2
      ? `  HTTP/2: skipped — ${edits.http2.skipped}`
      : `  HTTP/2: ${edits.http2.requests} requests on one connection, ${edits.http2.failures} failed, connection ${edits.http2.sessionLost ? 'LOST' : 'kept'}`);
  }
  if (endpoints) {
    lines.push(`endpoint churn: ${endpoints.steps.length} changes (one endpoint out, one in); write → new version ${spreadText(endpoints.appliedMs)}`);
    lines.push(`  write → traffic settled (removed endpoint quiet and added endpoint reached): ${spreadText(endpoints.settleMs)}; ${endpoints.unreached} added endpoints never reached`);
    lines.push(`  requests that reached a removed endpoint after Portico reported the change: ${endpoints.lateRequests}; steady client: ${failedRequests(endpoints)} failed${statusDetail(endpoints.steady.statusCounts)}, ${endpoints.steady.resets} resets of ${endpoints.steady.scheduled}`);
    lines.push('  (whether Portico rebuilt everything or only the endpoints is not visible from outside in file mode)');
  }
  if (status) {
    lines.push(`status: ${status.routes} routes added in ${status.reloads} reloads; attachedRoutes ${status.attachedRoutes ?? 'missing'}, ${status.acceptedRoutes} routes Accepted`);
    lines.push(`  status changes (writes) ${status.writes} for ${status.objects} objects; at most ${status.maxWritesPerReload} in one reload`);
  }
  return lines;
}

/** Requests that got no good answer, resets aside (counted on their own). */
function failedRequests(result: EditsResult | EndpointsResult): number {
  const steady = result.steady;
  return steady.badStatuses + steady.closedEarly + steady.timeouts + steady.connectErrors + steady.unsent;
}

export function changeTargets(results: ChangeResults, ran: Set<string>): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const withLoad of [false, true]) {
    const target = `route propagation p99, ${withLoad ? 'with background load' : 'idle'}`;
    const run = results.propagation.find((candidate) => candidate.withLoad === withLoad);
    if (!run) rows.push(notMeasured(target, '≤ 50 ms', ran.has('propagation') ? 'failed' : 'part not run'));
    else rows.push({ target, goal: '≤ 50 ms', measured: `${ms(run.latencyMs.p99)} (p50 ${ms(run.latencyMs.p50)})`, verdict: run.timedOut > 0 ? 'MISS' : judge(run.latencyMs.p99, '<=', 50), ...(run.timedOut > 0 ? { note: `${run.timedOut} routes never served` } : {}) });
  }
  const { edits, endpoints, status } = results;
  const why = (part: string): string => (ran.has(part) ? 'failed' : 'part not run');
  if (edits) {
    const steady = edits.steady;
    rows.push({ target: `failed requests during ${edits.edits} edits`, goal: '0', measured: `${failedRequests(edits)} of ${steady.scheduled}`, verdict: judge(failedRequests(edits), '<=', 0) });
    rows.push({ target: 'reset connections during edits', goal: '0', measured: String(steady.resets), verdict: judge(steady.resets, '<=', 0) });
    rows.push({ target: 'WebSocket survives the edits', goal: '0 disconnects, all echoed', measured: `${edits.webSocket.disconnects} disconnects, ${edits.webSocket.echoed}/${edits.webSocket.sent} echoed`, verdict: edits.webSocket.disconnects === 0 && edits.webSocket.echoed === edits.webSocket.sent && edits.webSocket.sent > 0 ? 'PASS' : 'MISS' });
    rows.push('skipped' in edits.http2
      ? notMeasured('HTTP/2 streams survive the edits', '0 failed, connection kept', edits.http2.skipped)
      : { target: 'HTTP/2 streams survive the edits', goal: '0 failed, connection kept', measured: `${edits.http2.failures} failed, ${edits.http2.sessionLost ? 'lost' : 'kept'}`, verdict: edits.http2.failures === 0 && !edits.http2.sessionLost ? 'PASS' : 'MISS' });
  } else {
    rows.push(notMeasured('failed requests during edits', '0', why('edits')));
  }
  if (endpoints) {
    rows.push({ target: 'endpoint change settles (p99)', goal: '≤ 100 ms', measured: `${ms(endpoints.settleMs.p99)} (p50 ${ms(endpoints.settleMs.p50)})`, verdict: judge(endpoints.settleMs.p99, '<=', 100) });
    rows.push({ target: 'requests to a removed endpoint after the change', goal: '0', measured: String(endpoints.lateRequests), verdict: judge(endpoints.lateRequests, '<=', 0) });
    const failed = failedRequests(endpoints) + endpoints.steady.resets;
    rows.push({ target: 'failed requests during endpoint churn', goal: '0', measured: `${failed} of ${endpoints.steady.scheduled}`, verdict: judge(failed, '<=', 0) });
  } else {
    rows.push(notMeasured('endpoint change settles (p99)', '≤ 100 ms', why('endpoints')));
  }
  if (status) {
    rows.push({ target: `attachedRoutes after adding ${status.routes} routes`, goal: String(status.routes), measured: String(status.attachedRoutes ?? 'missing'), verdict: status.attachedRoutes === status.routes ? 'PASS' : 'MISS' });
    // Each reload may rewrite the Gateway (its attachedRoutes changed) besides the new routes themselves.
    const bound = status.objects + status.reloads;
    rows.push({ target: 'status writes (no write storms)', goal: `≤ objects + reloads (${bound})`, measured: `${status.writes} for ${status.objects} objects`, verdict: judge(status.writes, '<=', bound) });
  } else {
    rows.push(notMeasured('attachedRoutes after adding routes', 'all', why('status')));
  }
  return rows;
}
