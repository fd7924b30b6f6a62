// A Translator kept across snapshots gives exactly what a fresh translate()
// gives for each snapshot (the memos never serve stale work), and the parts
// of its output that a change did not touch are the same objects as before.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AnyObject, ResourceSet } from '../model/resources.ts';
import type { StatusUpdate } from './index.ts';
import { createTranslator, translate } from './index.ts';
import type { WorldPki } from './random-world.ts';
import { RandomWorld } from './random-world.ts';
import { resourcesFromYaml, TEST_CONTROLLER, TEST_NOW } from './testing.ts';

/**
 * Hands each object back with the status written for it last time, as the
 * control loop does in file mode (and the API server in a cluster).
 * `keepIdentity`: the same copy while object and status stay (the control
 * loop), else a new copy every time (a provider that rebuilds every object).
 */
class StatusFeedback {
  readonly #keepIdentity: boolean;
  #byKey = new Map<string, StatusUpdate>();
  readonly #copies = new WeakMap<object, { status: object; copy: AnyObject }>();

  constructor(keepIdentity: boolean) {
    this.#keepIdentity = keepIdentity;
  }

  remember(statuses: readonly StatusUpdate[]): void {
    this.#byKey = new Map(statuses.map((s) => [`${s.kind}/${s.metadata.namespace ?? ''}/${s.metadata.name}`, s]));
  }

  attach(resources: ResourceSet): ResourceSet {
    const copy = { ...resources };
    for (const field of Object.keys(copy) as (keyof ResourceSet)[]) {
      (copy as Record<string, AnyObject[]>)[field] = resources[field].map((object) => {
        const namespace = object.kind === 'GatewayClass' ? '' : (object.metadata.namespace ?? 'default');
        const status = this.#byKey.get(`${object.kind}/${namespace}/${object.metadata.name}`)?.status;
        if (status === undefined) return object;
        const cached = this.#copies.get(object);
        if (this.#keepIdentity && cached?.status === status) return cached.copy;
        const attached = { ...object, status } as AnyObject;
        this.#copies.set(object, { status, copy: attached });
        return attached;
      });
    }
    return copy;
  }
}

/** Where two texts part, with some context: what the failure message shows. */
function firstDifference(actual: string, expected: string): string {
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 300);
  return `incremental: …${actual.slice(from, i + 200)}…\nfull:        …${expected.slice(from, i + 200)}…`;
}

function timeAt(step: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString().replace('.000Z', 'Z');
}

/** Test-only certificates from the golden inputs: a valid pair, an expired one, a malformed one, a key that does not match; a CA bundle. */
function worldPki(): WorldPki {
  const certs = fixture('https-invalid-certificates').secrets;
  const tlsSecrets = ['good', 'expired', 'malformed', 'mismatched'].map((name) => {
    const found = certs.find((s) => s.metadata.name === name);
    assert.ok(found !== undefined, name);
    return { type: found.type, ...(found.data === undefined ? {} : { data: found.data }), ...(found.stringData === undefined ? {} : { stringData: found.stringData }) };
  });
  const caPem = fixture('frontend-mtls').configMaps.find((c) => c.metadata.name === 'client-ca')?.data?.['ca.crt'];
  assert.ok(caPem !== undefined);
  return { tlsSecrets, caPem };
}

function agreesOverRandomEdits(seeds: number, listenerFocus: number): { matches: number; tlsServers: number } & Record<string, number> {
  const seen = { accepted: 0, rejected: 0, partiallyInvalid: 0, matches: 0, kindConflicts: 0, tlsServers: 0, streamPorts: 0, certificateProblems: 0, certificates: 0, wssWithoutPolicy: 0, backendsWithTls: 0 };
  const pki = worldPki();
  for (let seed = 1; seed <= seeds; seed++) {
    const world = new RandomWorld(seed, pki, listenerFocus);
    const translator = createTranslator();
    const feedback = new StatusFeedback(seed % 4 !== 0);
    const history: string[] = [];
    for (let step = 0; step < 30; step++) {
      history.push(step === 0 ? 'start' : world.edit());
      const resources = feedback.attach(world.resources());
      const options = { controllerName: TEST_CONTROLLER, now: timeAt(step % 7) };
      const result = translator.translate(resources, options);
      const incremental = JSON.stringify(result);
      const full = JSON.stringify(translate(resources, options));
      if (incremental !== full) assert.fail(`seed ${seed}, after: ${history.join(', ')}\n${firstDifference(incremental, full)}`);
      // Now and then the statuses are lost (a restart, a provider that writes none back).
      feedback.remember(step % 9 === 8 ? [] : result.statuses);

      seen.accepted += (full.match(/"reason":"Accepted"/g) ?? []).length;
      seen.rejected += (full.match(/"type":"Accepted","status":"False"/g) ?? []).length;
      seen.partiallyInvalid += (full.match(/"type":"PartiallyInvalid"/g) ?? []).length;
      seen.kindConflicts += (full.match(/HTTPRoutes and GRPCRoutes must not share hostnames/g) ?? []).length;
      seen.matches += result.ir.gateways.flatMap((g) => g.ports.flatMap((p) => (p.kind === 'http' ? p.virtualHosts.flatMap((v) => v.matches) : []))).length;
      seen.tlsServers += result.ir.gateways.flatMap((g) => g.ports.flatMap((p) => (p.kind === 'http' ? (p.tls?.servers ?? []) : []))).length;
      seen.streamPorts += result.ir.gateways.flatMap((g) => g.ports.filter((p) => p.kind !== 'http')).length;
      seen.certificates += result.ir.gateways.flatMap((g) => Object.keys(g.certificates ?? {})).length;
      seen.certificateProblems += (full.match(/"reason":"(InvalidCertificateRef|RefNotPermitted|InvalidCACertificateRef|NoValidCACertificate)"/g) ?? []).length;
      seen.wssWithoutPolicy += (full.match(/but no BackendTLSPolicy applies to it/g) ?? []).length;
      seen.backendsWithTls += result.ir.gateways.flatMap((g) => Object.values(g.backends).filter((b) => b.tls !== undefined)).length;
    }
  }
  return seen;
}

// PORTICO_AGREEMENT_SEEDS=300 hunts wider after a change to the Translator (about a minute).
test('a Translator gives what translate() gives, byte for byte, over random edit sequences', () => {
  const seen = agreesOverRandomEdits(Number(process.env.PORTICO_AGREEMENT_SEEDS ?? 24), 0.15);
  // The random worlds reach the interesting cases (else this test would prove little).
  for (const [what, count] of Object.entries(seen)) assert.ok(count > 20, `${what}: only ${count} seen (${JSON.stringify(seen)})`);
});

// Most edits on Gateways and ListenerSets: a ListenerSet edited while its Gateway stays keeps the other sets'
// contexts (gateway-memo.ts) and the HTTP ports take the new listener list in place (httpport.ts).
test('a Translator gives what translate() gives over edit sequences that mostly change Gateways and ListenerSets', () => {
  const seen = agreesOverRandomEdits(24, 0.7);
  assert.ok(seen.matches > 20 && seen.tlsServers > 20, JSON.stringify(seen));
});

const options = { controllerName: TEST_CONTROLLER, now: TEST_NOW };

function fixture(name: string): ResourceSet {
  return resourcesFromYaml(readFileSync(join(import.meta.dirname, 'testdata', `${name}.in.yaml`), 'utf8'));
}

function statusOf(statuses: readonly StatusUpdate[], kind: string, name: string): StatusUpdate | undefined {
  return statuses.find((s) => s.kind === kind && s.metadata.name === name);
}

test('an edited route: the other routes keep their status objects, the IR its untouched parts', () => {
  const resources = fixture('matching-across-routes');
  const translator = createTranslator();
  const feedback = new StatusFeedback(true);
  const first = translator.translate(resources, options);
  feedback.remember(first.statuses);
  const [edited, ...others] = resources.httpRoutes;
  assert.ok(edited !== undefined && others.length > 0);
  const changed = { ...resources, httpRoutes: [{ ...edited, metadata: { ...edited.metadata, generation: 2 } }, ...others] };
  const second = translator.translate(feedback.attach(changed), { ...options, now: '2030-01-01T00:00:00Z' });
  feedback.remember(second.statuses);

  for (const other of others) assert.equal(statusOf(second.statuses, 'HTTPRoute', other.metadata.name), statusOf(first.statuses, 'HTTPRoute', other.metadata.name), other.metadata.name);
  assert.notEqual(statusOf(second.statuses, 'HTTPRoute', edited.metadata.name), statusOf(first.statuses, 'HTTPRoute', edited.metadata.name));
  assert.equal(statusOf(second.statuses, 'Gateway', 'gw'), statusOf(first.statuses, 'Gateway', 'gw'));
  // Same rules content: the rules of the other routes are the same objects.
  const rules = (result: typeof first) => result.ir.gateways.flatMap((g) => g.ports.flatMap((p) => (p.kind === 'http' ? p.rules : [])));
  const firstRules = new Set(rules(first));
  assert.ok(rules(second).filter((rule) => firstRules.has(rule)).length >= others.length);

  const third = translator.translate(feedback.attach(changed), { ...options, now: '2031-01-01T00:00:00Z' });
  assert.equal(third.ir.gateways[0], second.ir.gateways[0], 'nothing changed: the same IRGateway');
  assert.deepEqual(third.statuses.map((s, i) => s === second.statuses[i]), second.statuses.map(() => true));
});

test('a new route (the newest) appends its rules: every other rule keeps its index, every other match its IR object', () => {
  const dated = fixture('matching-across-routes');
  const resources = { ...dated, httpRoutes: dated.httpRoutes.map((route) => ({ ...route, metadata: { ...route.metadata, creationTimestamp: '2026-01-01T00:00:00Z' } })) };
  const [template] = resources.httpRoutes;
  assert.ok(template !== undefined);
  // Named to sort first by name: the port's rules follow age, not names.
  const newest = { ...template, metadata: { ...template.metadata, name: 'aaa-newest', creationTimestamp: '2026-06-01T00:00:00Z' } };
  const translator = createTranslator();
  const first = translator.translate(resources, options);
  const withNew = { ...resources, httpRoutes: [...resources.httpRoutes, newest] };
  const second = translator.translate(withNew, options);
  assert.equal(JSON.stringify(second), JSON.stringify(translate(withNew, options)));

  const httpPorts = (result: typeof first) => result.ir.gateways.flatMap((g) => g.ports.flatMap((p) => (p.kind === 'http' ? [p] : [])));
  httpPorts(first).forEach((before, i) => {
    const after = httpPorts(second)[i];
    assert.ok(after !== undefined);
    assert.deepEqual(after.rules.slice(0, before.rules.length).map((rule, r) => rule === before.rules[r]), before.rules.map(() => true), `${before.name}: the old rules keep their places`);
    assert.ok(after.rules.slice(before.rules.length).every((rule) => rule.route.name === 'aaa-newest'), 'the new rules come last');
    const oldMatches = new Set(before.virtualHosts.flatMap((vhost) => vhost.matches));
    const kept = new Set(after.virtualHosts.flatMap((vhost) => vhost.matches).filter((match) => oldMatches.has(match)));
    assert.equal(kept.size, oldMatches.size, `${before.name}: every old match is the same object`);
  });

  // An edit (as many rules as before) and a newer route in the same snapshot: still no relayout.
  const [edited, ...unedited] = withNew.httpRoutes;
  assert.ok(edited !== undefined);
  const both = { ...withNew, httpRoutes: [{ ...edited, metadata: { ...edited.metadata, generation: 2 } }, ...unedited, { ...newest, metadata: { ...newest.metadata, name: 'aaa-newer-still', creationTimestamp: '2026-07-01T00:00:00Z' } }] };
  const third = translator.translate(both, options);
  assert.equal(JSON.stringify(third), JSON.stringify(translate(both, options)));
  httpPorts(second).forEach((before, i) => {
    const after = httpPorts(third)[i];
    assert.ok(after !== undefined);
    const movedRules = before.rules.filter((rule, r) => rule.route.name !== edited.metadata.name && after.rules[r] !== rule);
    assert.deepEqual(movedRules.map((rule) => rule.name), [], `${before.name}: the unedited rules keep their places`);
  });
});

test('an EndpointSlice change: only the backend changes; rules and virtual hosts stay the same objects', () => {
  const resources = fixture('backends-endpoints');
  const translator = createTranslator();
  const first = translator.translate(resources, options);
  const [slice, ...slices] = resources.endpointSlices;
  assert.ok(slice !== undefined);
  const moved = { ...slice, endpoints: slice.endpoints.map((endpoint) => ({ ...endpoint, addresses: endpoint.addresses.map(() => '10.9.9.9') })) };
  const second = translator.translate({ ...resources, endpointSlices: [moved, ...slices] }, options);
  assert.equal(JSON.stringify(second), JSON.stringify(translate({ ...resources, endpointSlices: [moved, ...slices] }, options)));

  const [before] = first.ir.gateways;
  const [after] = second.ir.gateways;
  assert.ok(before !== undefined && after !== undefined);
  assert.notEqual(after.backends, before.backends);
  const changedBackends = Object.keys(after.backends).filter((name) => after.backends[name] !== before.backends[name]);
  assert.ok(changedBackends.length >= 1 && changedBackends.length < Object.keys(after.backends).length, changedBackends.join(', '));
  after.ports.forEach((port, i) => {
    assert.equal(port, before.ports[i], `${port.name}: rules and virtual hosts do not name endpoints`);
  });
  assert.deepEqual(second.statuses.map((s, i) => s === first.statuses[i]), first.statuses.map(() => true));
});

test('a Secret edit: that Secret is read again, every other certificate is last run\'s very object', () => {
  const resources = fixture('https-listeners');
  const translator = createTranslator();
  const first = translator.translate(resources, options);
  const certificates = (result: typeof first) => Object.assign({}, ...result.ir.gateways.map((g) => g.certificates ?? {})) as Record<string, { hash: string }>;
  const before = certificates(first);
  assert.ok(Object.keys(before).length >= 2, Object.keys(before).join(', '));
  const [edited, ...others] = resources.secrets;
  assert.ok(edited !== undefined);
  // The same content in a new object (what a provider hands over for a rewritten file): read again, same hash.
  const changed = { ...resources, secrets: [{ ...edited, metadata: { ...edited.metadata } }, ...others] };
  const second = translator.translate(changed, options);
  assert.equal(JSON.stringify(second), JSON.stringify(translate(changed, options)));
  const after = certificates(second);
  const name = `secret/${edited.metadata.namespace ?? 'default'}/${edited.metadata.name}`;
  for (const [key, certificate] of Object.entries(after)) {
    if (key === name) assert.equal(certificate.hash, before[key]?.hash);
    else assert.equal(certificate, before[key], `${key}: not read again`);
  }
});

test('a Secret made invalid and mended: the listener reads InvalidCertificateRef, then its first status; each run agrees with a full translate', () => {
  const resources = fixture('https-listeners');
  const translator = createTranslator();
  const listenerStatus = (statuses: readonly StatusUpdate[]) => JSON.stringify((statusOf(statuses, 'Gateway', 'gw')?.status as { listeners?: { name: string }[] } | undefined)?.listeners?.find((l) => l.name === 'wildcard'));
  const first = translator.translate(resources, options);
  assert.doesNotMatch(listenerStatus(first.statuses), /InvalidCertificateRef/);
  const broken = {
    ...resources,
    secrets: resources.secrets.map((s) => (s.metadata.name === 'rsa' ? { ...s, data: { 'tls.crt': 'bm90IGEgY2VydGlmaWNhdGU=', 'tls.key': 'bm90IGEga2V5' } } : s)),
  };
  const second = translator.translate(broken, options);
  assert.equal(JSON.stringify(second), JSON.stringify(translate(broken, options)));
  assert.match(listenerStatus(second.statuses), /InvalidCertificateRef/);
  const third = translator.translate(resources, options);
  assert.equal(JSON.stringify(third), JSON.stringify(translate(resources, options)));
  assert.equal(listenerStatus(third.statuses), listenerStatus(first.statuses));
});
