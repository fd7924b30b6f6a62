// The issue's throughput and latency targets for `npm run bench`, evaluated on
// one run's summaries: every ratio is to nginx measured in the same run, on one
// core each, except the both-cores row (Portico's two-core figure over its
// one-core figure in this run).
import type { ProxySummary } from './report.ts';
import type { ScenarioOutcome } from './measure.ts';
import { judge, notMeasured } from './targets.ts';
import type { TargetRow } from './targets.ts';

export interface SummarizedScenario {
  outcome: ScenarioOutcome;
  summaries: ProxySummary[];
}

// Three decimals: a ratio just under its goal must not print as the goal itself.
const times = (value: number): string => `${value.toFixed(3)}x`;

function find(results: readonly SummarizedScenario[], id: string, proxy: string): { summary?: ProxySummary; why?: string } {
  const scenario = results.find((result) => result.outcome.scenario.id === id);
  if (!scenario) return { why: `scenario ${id} was not run` };
  const summary = scenario.summaries.find((candidate) => candidate.proxy === proxy);
  if (!summary) return { why: `${proxy} was not run in ${id}` };
  if (summary.skipped !== undefined || !summary.requestsPerSecond) return { why: `${proxy} skipped in ${id}: ${(summary.skipped ?? 'not measured').split('\n')[0] ?? ''}` };
  return { summary };
}

/** Portico's requests/s over nginx's in scenario `id`, judged against `goal`. */
function throughputVsNginx(results: readonly SummarizedScenario[], id: string, target: string, goal: number): TargetRow {
  const goalText = `≥ ${goal.toFixed(2)}x nginx`;
  const portico = find(results, id, 'portico');
  if (!portico.summary) return notMeasured(target, goalText, portico.why ?? '');
  const ratio = portico.summary.vsNginx?.requestsPerSecond;
  if (ratio === undefined) return notMeasured(target, goalText, find(results, id, 'nginx').why ?? 'no nginx figure');
  return { target, goal: goalText, measured: `${times(ratio)} (${id})`, verdict: judge(ratio, '>=', goal) };
}

function routesWithin(results: readonly SummarizedScenario[]): TargetRow {
  const target = '1,000 routes vs 1 route (Portico)';
  const goal = '≥ 0.90x (within 10%)';
  const many = find(results, 'routes1000-c16', 'portico');
  // Against one route fed the same 1,000 paths: wrk formats every request in
  // Lua when the paths vary, on the core it shares with the backend, and that
  // cost is the load generator's, not the table's.
  const one = find(results, 'routes1-spread-c16', 'portico');
  if (!many.summary?.requestsPerSecond || !one.summary?.requestsPerSecond) return notMeasured(target, goal, many.why ?? one.why ?? '');
  const ratio = many.summary.requestsPerSecond.median / one.summary.requestsPerSecond.median;
  return { target, goal, measured: times(ratio), verdict: judge(ratio, '>=', 0.9) };
}

function fixedRateP99(results: readonly SummarizedScenario[]): TargetRow {
  const target = 'p99 at half nginx capacity (fixed rate)';
  const goal = '≤ 2.00x nginx p99';
  const portico = find(results, 'fixed-rate', 'portico');
  if (!portico.summary) return notMeasured(target, goal, portico.why ?? '');
  const ratio = portico.summary.vsNginx?.p99Ms;
  if (ratio === undefined) return notMeasured(target, goal, find(results, 'fixed-rate', 'nginx').why ?? 'no nginx figure');
  const scenario = results.find((result) => result.outcome.scenario.id === 'fixed-rate');
  const sustained = scenario?.outcome.fixedRate?.generatorSustained ?? false;
  const p99 = portico.summary.p99Ms?.median ?? Number.NaN;
  // A generator that could not keep its own schedule measured the machine, not the proxies: no verdict.
  return {
    target,
    goal,
    measured: `${times(ratio)} (${p99.toFixed(2)} ms)`,
    verdict: sustained ? judge(ratio, '<=', 2) : 'n/a',
    ...(sustained ? {} : { note: 'not judged: the load generator did not sustain the rate on its own (machine busy?)' }),
  };
}

function bothCores(results: readonly SummarizedScenario[]): TargetRow {
  const target = 'both cores vs one core (Portico)';
  const goal = '≥ 1.80x';
  const two = find(results, 'small-c16-2cores', 'portico');
  // Against one route fed the same 1,000 paths: wrk formats every request in
  // Lua when the paths vary, on the core it shares with the backend, and that
  // cost is the load generator's, not the table's.
  const one = find(results, 'routes1-spread-c16', 'portico');
  if (!two.summary?.requestsPerSecond || !one.summary?.requestsPerSecond) return notMeasured(target, goal, two.why ?? one.why ?? '');
  const ratio = two.summary.requestsPerSecond.median / one.summary.requestsPerSecond.median;
  // nginx's own scaling on the same machine says what the shared cores allow.
  const nginxTwo = find(results, 'small-c16-2cores', 'nginx').summary?.requestsPerSecond?.median;
  const nginxOne = find(results, 'small-c16', 'nginx').summary?.requestsPerSecond?.median;
  const reference = nginxTwo !== undefined && nginxOne !== undefined ? `; nginx scales ${times(nginxTwo / nginxOne)} on the same machine` : '';
  return { target, goal, measured: times(ratio), verdict: judge(ratio, '>=', 1.8), note: `load generator and backend share the two cores${reference}` };
}

function soakFlat(results: readonly SummarizedScenario[]): TargetRow {
  const target = 'memory flat during the soak (Portico)';
  const goal = 'growth ≤ max(5 MiB, 5%)';
  const portico = find(results, 'soak', 'portico');
  const memory = portico.summary?.memory;
  if (!memory) return notMeasured(target, goal, portico.why ?? 'no memory samples');
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return {
    target,
    goal,
    measured: `${mb(memory.growthBytes)} over ${memory.samples} samples (${mb(memory.startBytes)} → ${mb(memory.endBytes)}, peak ${mb(memory.peakBytes)})`,
    verdict: memory.flat ? 'PASS' : 'MISS',
  };
}

/** TLS scale: warm handshakes/s over N names against one name (Portico), and memory per certificate (printed). */
function tlsScale(results: readonly SummarizedScenario[]): TargetRow[] {
  const id = 'https-5000-certs';
  const rate = 'TLS, 5,000 certificates: handshakes/s vs 1 name (Portico, warm)';
  const memory = 'TLS, 5,000 certificates: memory per certificate (Portico)';
  const portico = find(results, id, 'portico');
  const figures = portico.summary?.tlsScale;
  if (!figures) return [notMeasured(rate, '≥ 0.90x', portico.why ?? 'no figures'), notMeasured(memory, '(printed)', portico.why ?? 'no figures')];
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const nginx = find(results, id, 'nginx').summary?.tlsScale;
  return [
    {
      target: rate, goal: '≥ 0.90x', measured: `${times(figures.manyOverOne)} (cold pass ${Math.round(figures.coldPerSecond)} hs/s)`, verdict: judge(figures.manyOverOne, '>=', 0.9),
      note: `Portico's CPU per handshake ${Math.round(figures.cpuPerHandshakeUs.one)} µs with 1 name, ${Math.round(figures.cpuPerHandshakeUs.many)} µs with 5,000; Portico busy ${Math.round(figures.proxyBusy * 100)}%, the client ${Math.round(figures.clientBusy * 100)}% (below ~85% for Portico, the rate ratio says little)`,
    },
    {
      target: memory, goal: '(printed)', measured: `${kb(figures.bytesPerCertificate.handshaken)} after every name was handshaken; ${kb(figures.bytesPerCertificate.loaded)} loaded`, verdict: 'n/a',
      note: `no goal set${nginx ? `; nginx: ${kb(nginx.bytesPerCertificate.handshaken)}` : ''}`,
    },
  ];
}

export function benchTargets(results: readonly SummarizedScenario[]): TargetRow[] {
  return [
    throughputVsNginx(results, 'small-c16', 'HTTP/1.1 keep-alive, 16 connections', 0.5),
    throughputVsNginx(results, 'small-c1', 'HTTP/1.1 keep-alive, 1 connection', 0.5),
    throughputVsNginx(results, 'small-c256', 'HTTP/1.1 keep-alive, 256 connections', 0.5),
    routesWithin(results),
    throughputVsNginx(results, 'newconn-c16', 'new connection per request', 0.5),
    throughputVsNginx(results, 'https-c16', 'HTTPS keep-alive', 0.4),
    throughputVsNginx(results, 'h2-c16-m10', 'HTTP/2 (h2load)', 0.4),
    fixedRateP99(results),
    bothCores(results),
    soakFlat(results),
    ...tlsScale(results),
  ];
}
