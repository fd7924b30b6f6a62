// compileConfig with a CompileCache: parts whose IR objects (and what they
// were built from) are unchanged are reused; anything else is compiled anew;
// and a configuration applied again after another gets working pools back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IR, IRBackend, IRGateway, IRHttpPort, IRHttpRule } from '../../ir/types.ts';
import { Clock } from '../http1/clock.ts';
import { DnsCache } from '../upstream/dns.ts';
import { PoolRegistry } from '../upstream/registry.ts';
import { compileConfig } from './config.ts';
import { CompileCache } from './config-cache.ts';

function backend(name: string, port: number): IRBackend {
  return { name, protocol: 'http1', endpoints: [{ address: '127.0.0.1', port }] };
}

function rule(name: string, to: string): IRHttpRule {
  return { name, route: { kind: 'HTTPRoute', namespace: 'ns', name }, mirrors: [], backends: [{ weight: 1, backend: to }] };
}

function gatewayIR(rules: IRHttpRule[], backends: IRBackend[], vhosts: { hostname: string; rule: number }[]): IR {
  const port: IRHttpPort = {
    kind: 'http',
    name: 'gateway/ns/gw/port/80',
    port: 80,
    rules,
    virtualHosts: vhosts.map(({ hostname, rule: index }) => ({ hostname, listener: 'l', matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], rule: index }] })),
  };
  const gateway: IRGateway = { name: 'gateway/ns/gw', namespace: 'ns', gatewayName: 'gw', ports: [port], backends: Object.fromEntries(backends.map((b) => [b.name, b])) };
  return { gateways: [gateway] };
}

function httpPortOf(ir: IR): IRHttpPort {
  const port = ir.gateways[0]!.ports[0]!;
  assert.equal(port.kind, 'http');
  return port;
}

function setup() {
  const clock = new Clock(1000);
  const registry = new PoolRegistry({ connectTimeoutMs: 1000, idleTimeoutMs: 1000, maxIdle: 1, maxHeaderBytes: 8192 }, clock);
  const dns = new DnsCache();
  const cache = new CompileCache();
  return { registry, compile: (ir: IR) => compileConfig(ir, registry, dns, cache), stop: () => { registry.destroy(); clock.stop(); } };
}

test('an endpoint change: a new Backend and new runtimes for the rules naming it; the rest and every match table reused', () => {
  const { compile, stop } = setup();
  const a = backend('service/ns/a/80', 1001);
  const b = backend('service/ns/b/80', 1002);
  const rules = [rule('r0', a.name), rule('r1', b.name)];
  const first = compile(gatewayIR(rules, [a, b], [{ hostname: 'a.example', rule: 0 }, { hostname: 'b.example', rule: 1 }]));
  const movedB = backend(b.name, 1003);
  const ir = gatewayIR(rules, [a, movedB], [{ hostname: 'a.example', rule: 0 }, { hostname: 'b.example', rule: 1 }]);
  ir.gateways[0]!.ports[0] = { ...httpPortOf(ir), virtualHosts: first.ports.get(80)!.ir.virtualHosts };
  const second = compile(ir);
  const [r0, r1] = second.ports.get(80)!.rules;
  assert.equal(r0, first.ports.get(80)!.rules[0], 'the rule to the unchanged backend');
  assert.notEqual(r1, first.ports.get(80)!.rules[1], 'the rule to the moved backend');
  assert.deepEqual(r1!.ir.backends.map((share) => r1!.backends.get(share)?.pools.map((pool) => pool.key)), [['http1|127.0.0.1|1003']]);
  assert.deepEqual([...second.endpointKeys].sort(), ['http1|127.0.0.1|1001', 'http1|127.0.0.1|1003']);
  const lookup = (config: ReturnType<typeof compile>, host: string) => config.ports.get(80)?.router.route({ method: 'GET', host, path: '/', query: '', headers: [] });
  for (const host of ['a.example', 'b.example']) assert.equal(lookup(second, host), lookup(first, host), `${host}: the same match table answers`);
  stop();
});

test('a match table is reused only while its matches name the same rule objects', () => {
  const { compile, stop } = setup();
  const a = backend('service/ns/a/80', 1001);
  const vhosts = [{ hostname: '*', rule: 0 }];
  const first = gatewayIR([rule('r0', a.name)], [a], vhosts);
  const route = (config: ReturnType<typeof compile>) => config.ports.get(80)!.router.route({ method: 'GET', host: 'x', path: '/', query: '', headers: [] });
  const one = compile(first);
  const sameVhostNewRule = gatewayIR([rule('r0-edited', a.name)], [a], vhosts);
  sameVhostNewRule.gateways[0]!.ports[0] = { ...httpPortOf(sameVhostNewRule), virtualHosts: httpPortOf(first).virtualHosts };
  const two = compile(sameVhostNewRule);
  assert.equal(route(one)?.rule.name, 'r0');
  assert.equal(route(two)?.rule.name, 'r0-edited', 'the table answers with the new rule');
  stop();
});

test('a configuration applied again after one without its backends gets pools the registry holds', () => {
  const { compile, registry, stop } = setup();
  const a = backend('service/ns/a/80', 1001);
  const b = backend('service/ns/b/80', 1002);
  const withA = gatewayIR([rule('r0', a.name)], [a], [{ hostname: '*', rule: 0 }]);
  const withB = gatewayIR([rule('r0', b.name)], [b], [{ hostname: '*', rule: 0 }]);
  compile(withA);
  registry.retain(compile(withB).endpointKeys); // the data plane retires A's pool after the swap
  const again = compile(withA);
  registry.retain(again.endpointKeys);
  const first = again.ports.get(80)!.rules[0]!;
  const pool = first.backends.get(first.ir.backends[0]!)?.pools[0];
  assert.ok(pool !== undefined);
  assert.equal(registry.pool('127.0.0.1', 1001, 'http1'), pool, 'the Backend uses the pool the registry serves');
  stop();
});

test('rules inserted, removed or reordered around others: every unchanged rule keeps its runtime, new ones get one', () => {
  const { compile, stop } = setup();
  const a = backend('service/ns/a/80', 1001);
  const [r0, r1, r2, r3] = ['r0', 'r1', 'r2', 'r3'].map((name) => rule(name, a.name)) as [IRHttpRule, IRHttpRule, IRHttpRule, IRHttpRule];
  const vhosts = (count: number) => Array.from({ length: count }, (_, i) => ({ hostname: `h${i}.example`, rule: i }));
  const runtimesOf = (rules: IRHttpRule[]) => {
    const config = compile(gatewayIR(rules, [a], vhosts(rules.length)));
    return new Map(config.ports.get(80)!.rules.map((runtime) => [runtime.ir.name, runtime]));
  };
  const first = runtimesOf([r0, r1, r2]);
  const inserted = runtimesOf([r0, r3, r1, r2]);
  for (const name of ['r0', 'r1', 'r2']) assert.equal(inserted.get(name), first.get(name), `${name} after an insertion before it`);
  assert.ok(inserted.get('r3') !== undefined);
  const removed = runtimesOf([r0, r2]);
  for (const name of ['r0', 'r2']) assert.equal(removed.get(name), first.get(name), `${name} after a removal`);
  const reordered = runtimesOf([r2, r0]);
  for (const name of ['r0', 'r2']) assert.equal(reordered.get(name), first.get(name), `${name} after a reorder`);
  // A rule that was left out of one compile is compiled anew when it comes back (nothing older than the last compile is kept).
  assert.notEqual(runtimesOf([r2, r0, r1]).get('r1'), first.get('r1'));
  stop();
});

test('the same backends record again: unchanged rules keep their runtimes, new ones get theirs, and every backend in use keeps its pools registered', () => {
  const { compile, stop } = setup();
  const a = backend('service/ns/a/80', 1001);
  const b = backend('service/ns/b/80', 1002);
  const c = backend('service/ns/c/80', 1003);
  const record = { [a.name]: a, [b.name]: b, [c.name]: c };
  const [r0, r1, r2] = [rule('r0', a.name), rule('r1', b.name), rule('r2', a.name)] as [IRHttpRule, IRHttpRule, IRHttpRule];
  const vhosts = (count: number) => Array.from({ length: count }, (_, i) => ({ hostname: `h${i}.example`, rule: i }));
  const withRecord = (rules: IRHttpRule[]): IR => {
    const ir = gatewayIR(rules, [], vhosts(rules.length));
    ir.gateways[0] = { ...ir.gateways[0]!, backends: record };
    return ir;
  };
  const runtimes = (config: ReturnType<typeof compile>) => new Map(config.ports.get(80)!.rules.map((runtime) => [runtime.ir.name, runtime]));
  const first = compile(withRecord([r0, r1, r2]));
  assert.deepEqual([...first.endpointKeys].sort(), ['http1|127.0.0.1|1001', 'http1|127.0.0.1|1002']);

  // r1 edited in place to name c, and a new rule appended: r0 and r2 keep theirs.
  const r1c = rule('r1', c.name);
  const r3 = rule('r3', a.name);
  const second = compile(withRecord([r0, r1c, r2, r3]));
  for (const name of ['r0', 'r2']) assert.equal(runtimes(second).get(name), runtimes(first).get(name), `${name} kept`);
  assert.notEqual(runtimes(second).get('r1'), runtimes(first).get('r1'));
  assert.equal(runtimes(second).get('r1')?.backends.get(r1c.backends[0]!)?.pools[0]?.key, 'http1|127.0.0.1|1003');
  assert.ok(runtimes(second).get('r3') !== undefined);
  // a (named only by kept rules) is still registered, and c (newly named) is too.
  for (const key of ['http1|127.0.0.1|1001', 'http1|127.0.0.1|1003']) assert.ok(second.endpointKeys.has(key), key);

  // A rule inserted in the middle: the rules after it are found where they were.
  const r4 = rule('r4', b.name);
  const third = compile(withRecord([r0, r4, r1c, r2, r3]));
  for (const name of ['r0', 'r1', 'r2', 'r3']) assert.equal(runtimes(third).get(name), runtimes(second).get(name), `${name} after an insertion`);
  const route = (config: ReturnType<typeof compile>, host: string) => config.ports.get(80)!.router.route({ method: 'GET', host, path: '/', query: '', headers: [] })?.rule.name;
  assert.equal(route(third, 'h1.example'), 'r4');
  assert.equal(route(third, 'h2.example'), 'r1');
  stop();
});
