// Router micro-benchmark: nanoseconds per compiled-router lookup for a few
// route-table shapes. Run by hand: node_modules/.bin/node bench/router.ts
// (not a test: numbers depend on the machine).
import type { IRHttpPort } from '../src/ir/types.ts';
import { buildPort, entry, exact, prefix, regex, request, type EntrySpec } from '../src/dataplane/router/cases.ts';
import { compileRouter } from '../src/dataplane/router/compile.ts';
import type { RouteRequest } from '../src/dataplane/router/request.ts';

interface Scenario {
  name: string;
  port: IRHttpPort;
  requests: RouteRequest[];
}

const headers = ['Host', 'bench.example.com', 'User-Agent', 'bench/1.0', 'Accept', '*/*', 'X-Request-Id', 'abc'];

/** `count` routes on one host: a third exact paths, two thirds path prefixes, every tenth with a header condition. */
function routesOnOneHost(count: number, tag: string): EntrySpec[] {
  const entries: EntrySpec[] = [];
  for (let i = 0; i < count; i++) {
    const conditions = i % 10 === 9 ? { headers: [{ name: 'x-request-id', type: 'Exact' as const, value: 'abc' }] } : {};
    entries.push(i % 3 === 0
      ? entry(exact(`/${tag}/exact-${i}`), `r/${tag}/${i}`, conditions)
      : entry(prefix(`/${tag}/svc-${i}/api`), `r/${tag}/${i}`, conditions));
  }
  entries.push(entry(prefix('/'), `r/${tag}/default`));
  return entries;
}

function requestsFor(tag: string, count: number, host: string): RouteRequest[] {
  const out: RouteRequest[] = [];
  for (let i = 0; i < count; i++) {
    const path = i % 3 === 0 ? `/${tag}/exact-${i}` : `/${tag}/svc-${i}/api/v1/items/42`;
    out.push(request(path, { host, headers, query: 'page=2' }));
  }
  return out;
}

const scenarios: Scenario[] = [
  {
    name: '1 route',
    port: buildPort({ '*': [entry(prefix('/'), 'only')] }),
    requests: [request('/api/v1/items/42', { host: 'bench.example.com', headers })],
  },
  {
    name: '1,000 routes on one host',
    port: buildPort({ 'bench.example.com': routesOnOneHost(1000, 't') }),
    requests: requestsFor('t', 1000, 'bench.example.com'),
  },
  {
    name: '1,000 routes on one host + 10 regex',
    port: buildPort({
      'bench.example.com': [
        ...Array.from({ length: 10 }, (_, i) => entry(regex(`/re-${i}/[a-z]+/[0-9]+`), `re/${i}`)),
        ...routesOnOneHost(1000, 't'),
      ],
    }),
    requests: requestsFor('t', 1000, 'bench.example.com'),
  },
  (() => {
    const hosts: Record<string, EntrySpec[]> = {};
    for (let i = 0; i < 1000; i++) hosts[`host-${i}.example.com`] = [entry(prefix('/'), `h/${i}`)];
    hosts['*.wild.example.com'] = [entry(prefix('/'), 'wild')];
    return {
      name: '1,000 hosts',
      port: buildPort(hosts),
      requests: Array.from({ length: 1000 }, (_, i) => request('/api/v1/items/42', { host: i % 10 === 0 ? `a.b.wild.example.com` : `host-${i}.example.com`, headers })),
    };
  })(),
  (() => {
    const hosts: Record<string, EntrySpec[]> = {};
    const requests: RouteRequest[] = [];
    for (let h = 0; h < 400; h++) {
      hosts[`host-${h}.example.com`] = routesOnOneHost(100, `h${h}`);
      requests.push(...requestsFor(`h${h}`, 100, `host-${h}.example.com`).filter((_, i) => i % 40 === h % 40));
    }
    return { name: '40,000 routes (400 hosts x 100)', port: buildPort(hosts), requests };
  })(),
];

let sink = 0;
for (const { name, port, requests } of scenarios) {
  const compileStart = process.hrtime.bigint();
  const router = compileRouter(port);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  for (const req of requests) if (router.route(req) === undefined) throw new Error(`bench request not routed: ${req.host}${req.path}`);
  // Best of several rounds: on a shared machine the minimum is the most
  // repeatable figure; the median shows the spread.
  const lookups = 400_000;
  const rounds: number[] = [];
  for (let i = 0; i < 200_000; i++) sink += router.route(requests[i % requests.length] as RouteRequest)?.match.rule ?? 0;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < lookups; i++) sink += router.route(requests[i % requests.length] as RouteRequest)?.match.rule ?? 0;
    rounds.push(Number(process.hrtime.bigint() - start) / lookups);
  }
  rounds.sort((a, b) => a - b);
  const best = (rounds[0] as number).toFixed(0).padStart(6);
  const median = (rounds[3] as number).toFixed(0).padStart(6);
  const matches = port.virtualHosts.reduce((sum, v) => sum + v.matches.length, 0);
  console.log(`${name.padEnd(36)} ${best} ns/lookup (median ${median})   ${matches} matches, compiled in ${compileMs.toFixed(1)} ms`);
}
if (sink === -1) console.log(sink);
