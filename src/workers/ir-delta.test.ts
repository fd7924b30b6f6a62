// IR deltas between the primary and a worker: over random sequences of
// configurations (made the way the Translator makes them: what did not change
// is the same object), a worker that takes every delta ends up with exactly
// the IR a worker sent the whole of would have; what did not change stays the
// same object on the worker too; a refused configuration leaves the worker's
// base as it was; and a delivery the worker cannot resolve is refused, not
// half taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IR, IRBackend, IRGateway, IRHttpMatch, IRHttpPort, IRHttpRule, IRVirtualHost } from '../ir/types.ts';
import type { HTTPRoute } from '../model/gatewayapi.ts';
import { createTranslator } from '../translate/index.ts';
import { resourcesFromYaml } from '../translate/testing.ts';
import { IRDecoder, IREncoder, STALE_BASE } from './ir-delta.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const random = seededRandom;

let serial = 0;
const backend = (name: string): IRBackend => ({ name, protocol: 'http1', endpoints: [{ address: '127.0.0.1', port: 1000 + (serial++ % 5000) }] });
const rule = (name: string, backendName: string): IRHttpRule => ({ name, route: { kind: 'HTTPRoute', namespace: 'ns', name }, mirrors: [], backends: [{ weight: 1, backend: backendName }], timeouts: { requestMs: serial++ } });
const match = (path: string, ruleIndex: number): IRHttpMatch => ({ path: { type: 'PathPrefix', value: path }, headers: [], queryParams: [], rule: ruleIndex });

function httpPort(gateway: string, port: number, backends: string[], size: number): IRHttpPort {
  const rules = Array.from({ length: size }, (_, i) => rule(`${gateway}/r${serial++}-${i}`, backends[i % backends.length] as string));
  const vhost: IRVirtualHost = { hostname: '*', listener: `${gateway}/listener/http`, matches: rules.map((_, i) => match(`/p${i}`, i)) };
  return { kind: 'http', name: `${gateway}/port/${port}`, port, rules, virtualHosts: [vhost] };
}

function gateway(name: string): IRGateway {
  const backends = { a: backend('a'), b: backend('b') };
  return { name, namespace: 'ns', gatewayName: name, ports: [httpPort(name, 80, ['a', 'b'], 4)], backends };
}

/** One random change, copying only what it changes (as the Translator does). */
function change(ir: IR, next: () => number): IR {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const gateways = [...ir.gateways];
  const gi = Math.floor(next() * gateways.length);
  const gw = gateways[gi];
  const kind = gw === undefined ? 0 : Math.floor(next() * 9);
  if (gw === undefined || kind === 0) {
    gateways.push(gateway(`gw${serial++}`));
    return { gateways };
  }
  const ports = [...gw.ports];
  const pi = Math.floor(next() * ports.length);
  const port = ports[pi];
  switch (kind) {
    case 1: // a Gateway removed
      gateways.splice(gi, 1);
      break;
    case 2: // an endpoint change: one backend replaced
      gateways[gi] = { ...gw, backends: { ...gw.backends, [pick(Object.keys(gw.backends))]: backend('x') } };
      break;
    case 3: // a certificate added or replaced
      gateways[gi] = { ...gw, certificates: { ...gw.certificates, [`secret/ns/c${Math.floor(next() * 2)}`]: { certPem: `cert${serial++}`, keyPem: 'key', hash: String(serial) } } };
      break;
    case 4: // a port added, sharing a rule object with another port (as a route on two listeners may)
      ports.push(port?.kind === 'http' && port.rules[0] !== undefined ? { ...httpPort(gw.name, 9000 + serial++, ['a'], 2), rules: [port.rules[0], ...httpPort(gw.name, 1, ['a'], 1).rules] } : httpPort(gw.name, 9000 + serial++, ['a'], 2));
      gateways[gi] = { ...gw, ports };
      break;
    case 5: // a port removed, or a TCP port added
      if (ports.length > 1) ports.splice(pi, 1);
      else ports.push({ kind: 'tcp', name: `${gw.name}/port/${serial}`, port: 7000 + serial++, listener: 'l', route: { name: 'tcproute/ns/t/rule/0', route: { kind: 'TCPRoute', namespace: 'ns', name: 't' }, backends: [{ weight: 1, backend: 'a' }] } });
      gateways[gi] = { ...gw, ports };
      break;
    default: { // a rule edited, added or removed on an HTTP port
      if (port?.kind !== 'http') return change(ir, next);
      const rules = [...port.rules];
      const ri = Math.floor(next() * rules.length);
      const vhost = port.virtualHosts[0] as IRVirtualHost;
      let matches = vhost.matches;
      if (kind === 6 && rules.length > 1) {
        rules.splice(ri, 1);
        matches = matches.filter((m) => m.rule !== ri).map((m) => (m.rule > ri ? { ...m, rule: m.rule - 1 } : m));
      } else if (kind === 7) {
        rules.push(rule(`${gw.name}/r${serial++}`, 'b'));
        matches = [...matches, match(`/n${serial++}`, rules.length - 1)];
      } else {
        rules[ri] = rule((rules[ri] as IRHttpRule).name, 'a');
      }
      ports[pi] = { ...port, rules, virtualHosts: matches === vhost.matches ? port.virtualHosts : [{ ...vhost, matches }] };
      gateways[gi] = { ...gw, ports };
    }
  }
  return { gateways };
}

/** Every part of an IR the delta names, by a path of stable names. */
function parts(ir: IR): Map<string, object> {
  const out = new Map<string, object>();
  for (const gw of ir.gateways) {
    out.set(gw.name, gw);
    for (const [name, b] of Object.entries(gw.backends)) out.set(`${gw.name}/backend/${name}`, b);
    for (const [name, c] of Object.entries(gw.certificates ?? {})) out.set(`${gw.name}/certificate/${name}`, c);
    for (const port of gw.ports) {
      out.set(port.name, port);
      if (port.kind !== 'http') continue;
      for (const r of port.rules) out.set(`${port.name}/${r.name}`, r);
      port.virtualHosts.forEach((v, i) => {
        out.set(`${port.name}/vhost/${i}`, v);
        v.matches.forEach((m, j) => out.set(`${port.name}/vhost/${i}/match/${j}`, m));
      });
    }
  }
  return out;
}

test('random change sequences: the deltas rebuild exactly the IR, keep what did not change the same object, and refusals keep the base', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const next = random(seed);
    const encoder = new IREncoder();
    const worker = new IRDecoder();
    let primaryHeld: IR | undefined;
    let workerHeld: IR | undefined;
    let ir: IR = { gateways: [gateway('gw0')] };
    for (let step = 0; step < 60; step++) {
      ir = change(ir, next);
      const delivery = JSON.parse(JSON.stringify(encoder.encode(ir, primaryHeld))) as ReturnType<IREncoder['encode']>;
      const decoded = worker.decode(delivery);
      assert.deepStrictEqual(decoded.ir, ir, `seed ${seed} step ${step}: the delta rebuilds the IR`);
      const whole = new IRDecoder().decode(JSON.parse(JSON.stringify(new IREncoder().encode(ir))) as ReturnType<IREncoder['encode']>);
      assert.deepStrictEqual(decoded.ir, whole.ir, `seed ${seed} step ${step}: delta ≡ whole`);
      if (primaryHeld !== undefined && workerHeld !== undefined) {
        const before = parts(primaryHeld);
        const workerBefore = parts(workerHeld);
        const workerNow = parts(decoded.ir);
        for (const [path, object] of parts(ir)) {
          if (before.get(path) === object) assert.equal(workerNow.get(path), workerBefore.get(path), `seed ${seed} step ${step}: ${path} is the same object on the worker`);
        }
      }
      // One delivery in five is refused by the data plane: the worker keeps its base, and so does the primary's idea of it.
      if (next() < 0.2) continue;
      worker.commit(decoded);
      primaryHeld = ir;
      workerHeld = decoded.ir;
    }
  }
});

test('a delta is a fraction of the whole IR when one rule of many changed', () => {
  const encoder = new IREncoder();
  const before: IR = { gateways: [{ ...gateway('gw'), ports: [httpPort('gw', 80, ['a'], 2000)] }] };
  encoder.encode(before);
  const port = before.gateways[0]?.ports[0] as IRHttpPort;
  const rules = [...port.rules];
  rules[7] = rule((rules[7] as IRHttpRule).name, 'b');
  const after: IR = { gateways: [{ ...(before.gateways[0] as IRGateway), ports: [{ ...port, rules }] }] };
  const delta = JSON.stringify(encoder.encode(after, before)).length;
  const whole = JSON.stringify(new IREncoder().encode(after)).length;
  assert.ok(delta * 5 < whole, `delta ${delta} bytes, whole ${whole} bytes`);
});

test('a delivery based on another IR than the worker holds, or naming a part it lacks, is refused whole', () => {
  const encoder = new IREncoder();
  const first: IR = { gateways: [gateway('gw')] };
  const second = change(first, random(3));
  const worker = new IRDecoder();
  worker.commit(worker.decode(encoder.encode(first)));
  const fresh = new IRDecoder();
  assert.throws(() => fresh.decode(encoder.encode(second, first)), (error: Error) => error.message.startsWith(STALE_BASE));
  // A restarted worker is sent the whole IR, which it takes whatever it held.
  assert.deepStrictEqual(fresh.decode(encoder.encode(second)).ir, second);
  const forged = { ...encoder.encode(second, first), gateways: [{ ref: 999_999 }] };
  assert.throws(() => worker.decode(forged), (error: Error) => error.message.startsWith(STALE_BASE));
  assert.deepStrictEqual(worker.decode(encoder.encode(second, first)).ir, second, 'the refused deliveries left the worker as it was');
});

const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: portico}
spec: {controllerName: portico.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: portico
  listeners:
  - {name: http, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
  - {name: other, port: 8081, protocol: HTTP, hostname: other.example, allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: apps}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: apps}
spec: {ports: [{name: http, port: 80}]}
`;

function routeYaml(i: number, version: number): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r${i}, namespace: apps}
spec:
  parentRefs: [{name: gw, namespace: infra${version % 3 === 0 ? ', sectionName: http' : ''}}]
  hostnames: [${version % 2 === 0 ? 'a.example' : 'other.example'}]
  rules: [{matches: [{path: {type: PathPrefix, value: /r${i}/v${version % 4}}}], backendRefs: [{name: ${version % 5 === 0 ? 'api' : 'app'}, port: 80}]}]
`;
}

test("the Translator's own IRs over random route edits: every delta rebuilds the IR it was made from", () => {
  const next = random(42);
  const translator = createTranslator();
  const encoder = new IREncoder();
  const worker = new IRDecoder();
  const base = resourcesFromYaml(BASE);
  let routes: HTTPRoute[] = resourcesFromYaml(Array.from({ length: 30 }, (_, i) => routeYaml(i, 0)).join('')).httpRoutes;
  let held: IR | undefined;
  for (let step = 1; step <= 40; step++) {
    const i = Math.floor(next() * routes.length);
    const edited = resourcesFromYaml(routeYaml(i, step)).httpRoutes[0] as HTTPRoute;
    routes = next() < 0.2 ? routes.filter((_, k) => k !== i) : routes.map((route, k) => (k === i ? edited : route));
    const { ir } = translator.translate({ ...base, httpRoutes: routes }, { controllerName: 'portico.dev/gateway-controller', now: '2026-01-01T00:00:00Z' });
    const decoded = worker.decode(JSON.parse(JSON.stringify(encoder.encode(ir, held))) as ReturnType<IREncoder['encode']>);
    assert.deepStrictEqual(decoded.ir, ir, `step ${step}`);
    worker.commit(decoded);
    held = ir;
  }
});
