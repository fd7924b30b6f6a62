import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IRBackend } from '../ir/types.ts';
import type { ConfigMap } from '../model/core.ts';
import type { BackendTLSPolicy } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import { selectPolicies } from './backend-tls.ts';
import type { BackendClientCertificate } from './backend-tls-client.ts';
import { withClientCertificateCondition } from './backend-tls-client.ts';
import { validatePolicy } from './backend-tls-validation.ts';
import { createTranslator, translate } from './index.ts';
import { indexResources } from './resource-index.ts';
import type { StatusUpdate } from './status-update.ts';
import { resourcesFromYaml, TEST_CONTROLLER, TEST_NOW } from './testing.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const options = { controllerName: TEST_CONTROLLER, now: TEST_NOW };
const golden = resourcesFromYaml(readFileSync(join(import.meta.dirname, 'testdata', 'backend-tls-policies.in.yaml'), 'utf8'));
const caConfigMap = golden.configMaps.find((c) => c.metadata.name === 'backend-ca') as ConfigMap;
const CA_PEM = caConfigMap.data?.['ca.crt'] as string;

interface PolicyOptions {
  created?: string;
  targets?: { name: string; sectionName?: string; kind?: string }[];
  validation?: Partial<BackendTLSPolicy['spec']['validation']>;
}

function policy(name: string, opts: PolicyOptions = {}): BackendTLSPolicy {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name, namespace: 'ns', ...(opts.created === undefined ? {} : { creationTimestamp: opts.created }) },
    spec: {
      targetRefs: (opts.targets ?? [{ name: 'svc' }]).map((t) => ({ group: '', kind: t.kind ?? 'Service', name: t.name, ...(t.sectionName === undefined ? {} : { sectionName: t.sectionName }) })),
      validation: { hostname: 'backend.example.com', wellKnownCACertificates: 'System', ...opts.validation },
    },
  };
}

test('policy selection: sectionName beats the whole Service; the oldest, then namespace/name, wins a shared target', () => {
  const cases: { name: string; policies: BackendTLSPolicy[]; port: string | undefined; applies: string | undefined; conflicted: string[] }[] = [
    { name: 'no policy', policies: [], port: 'https', applies: undefined, conflicted: [] },
    { name: 'whole Service', policies: [policy('a')], port: 'https', applies: 'a', conflicted: [] },
    { name: 'whole Service, unnamed port', policies: [policy('a')], port: undefined, applies: 'a', conflicted: [] },
    { name: 'sectionName on another port', policies: [policy('a', { targets: [{ name: 'svc', sectionName: 'grpc' }] })], port: 'https', applies: undefined, conflicted: [] },
    {
      name: 'sectionName beats whole Service (even a younger one)',
      policies: [policy('whole', { created: '2020-01-01T00:00:00Z' }), policy('port', { created: '2024-01-01T00:00:00Z', targets: [{ name: 'svc', sectionName: 'https' }] })],
      port: 'https',
      applies: 'port',
      conflicted: [],
    },
    {
      name: 'older wins',
      policies: [policy('a', { created: '2025-02-01T00:00:00Z' }), policy('b', { created: '2025-01-01T00:00:00Z' })],
      port: 'https',
      applies: 'b',
      conflicted: ['a'],
    },
    { name: 'same age: first by name', policies: [policy('b', { created: '2025-01-01T00:00:00Z' }), policy('a', { created: '2025-01-01T00:00:00Z' })], port: 'https', applies: 'a', conflicted: ['b'] },
    { name: 'no timestamp sorts last', policies: [policy('a'), policy('b', { created: '2025-01-01T00:00:00Z' })], port: 'https', applies: 'b', conflicted: ['a'] },
    { name: 'other kinds are not Services', policies: [policy('a', { targets: [{ name: 'svc', kind: 'Backend' }] })], port: 'https', applies: undefined, conflicted: [] },
    {
      name: 'a policy losing one of its targets applies nowhere; the next one takes its other target',
      policies: [
        policy('old', { created: '2025-01-01T00:00:00Z', targets: [{ name: 'other' }] }),
        policy('multi', { created: '2025-02-01T00:00:00Z', targets: [{ name: 'other' }, { name: 'svc' }] }),
        policy('young', { created: '2025-03-01T00:00:00Z' }),
      ],
      port: 'https',
      applies: 'young',
      conflicted: ['multi'],
    },
  ];
  for (const c of cases) {
    const selection = selectPolicies(c.policies);
    assert.equal(selection.policyFor({ namespace: 'ns', service: 'svc', portName: c.port })?.metadata.name, c.applies, c.name);
    assert.deepEqual([...selection.conflicts.keys()].map((p) => p.metadata.name).sort(), c.conflicted, c.name);
    assert.equal(selection.policyFor({ namespace: 'elsewhere', service: 'svc', portName: c.port }), undefined, `${c.name}: targets are local to the policy's namespace`);
  }
});

test('policy validation: Accepted and ResolvedRefs reasons, and what the backend gets', () => {
  const index = indexResources({
    ...resourcesFromYaml(''),
    configMaps: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'ns' }, data: { 'ca.crt': CA_PEM } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'other' }, data: { 'ca.crt': CA_PEM } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'garbage', namespace: 'ns' }, data: { 'ca.crt': 'not a certificate' } },
    ],
    secrets: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ca-secret', namespace: 'ns' }, stringData: { 'ca.crt': CA_PEM } }],
  });
  const cm = (name: string) => ({ group: '', kind: 'ConfigMap', name });
  const cases: { name: string; validation: Partial<BackendTLSPolicy['spec']['validation']>; accepted: string; resolved: string; usable: boolean }[] = [
    { name: 'ConfigMap CA', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [cm('ca')] }, accepted: 'True/Accepted', resolved: 'True/ResolvedRefs', usable: true },
    { name: 'Secret CA', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [{ group: '', kind: 'Secret', name: 'ca-secret' }] }, accepted: 'True/Accepted', resolved: 'True/ResolvedRefs', usable: true },
    { name: 'System roots', validation: {}, accepted: 'True/Accepted', resolved: 'True/ResolvedRefs', usable: true },
    { name: 'missing ConfigMap', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [cm('nope')] }, accepted: 'False/NoValidCACertificate', resolved: 'False/InvalidCACertificateRef', usable: false },
    { name: 'unreadable bundle', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [cm('garbage')] }, accepted: 'False/NoValidCACertificate', resolved: 'False/InvalidCACertificateRef', usable: false },
    { name: 'unknown kind', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [{ group: 'invalid.io', kind: 'InvalidKind', name: 'x' }] }, accepted: 'False/NoValidCACertificate', resolved: 'False/InvalidKind', usable: false },
    { name: 'one good, one missing: Accepted, but connections fail', validation: { wellKnownCACertificates: undefined, caCertificateRefs: [cm('nope'), cm('ca')] }, accepted: 'True/Accepted', resolved: 'False/InvalidCACertificateRef', usable: false },
    { name: 'unknown well-known set', validation: { wellKnownCACertificates: 'example.com/roots' }, accepted: 'False/Invalid', resolved: 'True/ResolvedRefs', usable: false },
    { name: 'both set', validation: { caCertificateRefs: [cm('ca')] }, accepted: 'False/Invalid', resolved: 'True/ResolvedRefs', usable: false },
    { name: 'neither set', validation: { wellKnownCACertificates: undefined }, accepted: 'False/Invalid', resolved: 'True/ResolvedRefs', usable: false },
  ];
  for (const c of cases) {
    const result = validatePolicy(policy('p', { validation: c.validation }), index);
    assert.equal(`${result.accepted.status}/${result.accepted.reason}`, c.accepted, c.name);
    assert.equal(`${result.resolvedRefs.status}/${result.resolvedRefs.reason}`, c.resolved, c.name);
    assert.equal(result.tls.invalid === undefined, c.usable, `${c.name}: ${result.tls.invalid ?? ''}`);
    assert.equal(result.tls.sni, 'backend.example.com', c.name);
  }
  // A ConfigMap in another namespace is not reachable: caCertificateRefs are local.
  const local = validatePolicy({ ...policy('p', { validation: { wellKnownCACertificates: undefined, caCertificateRefs: [cm('ca')] } }), metadata: { name: 'p', namespace: 'third' } }, index);
  assert.equal(local.resolvedRefs.reason, 'InvalidCACertificateRef');
  // SANs go to the IR as written (Hostname lowercased); the hostname stays the SNI.
  const sans = validatePolicy(policy('p', { validation: { hostname: 'SNI.example.com', subjectAltNames: [{ type: 'Hostname', hostname: 'A.example.com' }, { type: 'URI', uri: 'spiffe://td/ns/x' }] } }), index);
  assert.deepEqual(sans.tls, { sni: 'sni.example.com', subjectAltNames: [{ type: 'Hostname', value: 'a.example.com' }, { type: 'URI', value: 'spiffe://td/ns/x' }], systemRoots: true });
});

function backendOf(result: { ir: { gateways: { name: string; backends: Record<string, IRBackend> }[] } }, gateway: string, name: string): IRBackend | undefined {
  return result.ir.gateways.find((g) => g.name === `gateway/infra/${gateway}`)?.backends[name];
}

function statusOf(statuses: readonly StatusUpdate[], kind: string, name: string): StatusUpdate | undefined {
  return statuses.find((s) => s.kind === kind && s.metadata.name === name);
}

test('incremental: unchanged backends and policy statuses are the same objects; a CA ConfigMap edit replaces only what uses it', () => {
  const translator = createTranslator();
  const first = translator.translate(golden, options);
  const again = translator.translate({ ...golden }, options);
  assert.equal(again.ir.gateways[0], first.ir.gateways[0], 'nothing changed: the same IRGateway');
  assert.equal(statusOf(again.statuses, 'BackendTLSPolicy', 'secure-port'), statusOf(first.statuses, 'BackendTLSPolicy', 'secure-port'));

  // The CA ConfigMap loses its key: the policies naming it turn NoValidCACertificate, their backends invalid.
  const edited: ResourceSet = { ...golden, configMaps: golden.configMaps.map((c) => (c === caConfigMap ? { ...c, data: { 'ca.crt': '' } } : c)) };
  const second = translator.translate(edited, options);
  assert.equal(JSON.stringify(second), JSON.stringify(translate(edited, options)), 'the Translator agrees with a fresh translate()');
  const secure = backendOf(second, 'gw', 'service/infra/secure/443');
  assert.ok(secure?.tls?.invalid !== undefined, 'the backend of a policy without a valid CA fails its requests');
  assert.notEqual(secure, backendOf(first, 'gw', 'service/infra/secure/443'));
  assert.equal(backendOf(second, 'gw', 'service/infra/secure/9090'), backendOf(first, 'gw', 'service/infra/secure/9090'), 'the System-roots backend is untouched');
  assert.equal(backendOf(second, 'gw', 'service/infra/plain/80'), backendOf(first, 'gw', 'service/infra/plain/80'));
  const status = statusOf(second.statuses, 'BackendTLSPolicy', 'secure-port')?.status as { ancestors: { conditions: { type: string; reason: string }[] }[] };
  assert.equal(status.ancestors[0]?.conditions.find((c) => c.type === 'Accepted')?.reason, 'NoValidCACertificate');

  // And back: the policy is usable again.
  const third = translator.translate(golden, options);
  assert.equal(backendOf(third, 'gw', 'service/infra/secure/443')?.tls?.invalid, undefined);

  // A route edit that names the same backends: a new IRGateway, the same backends and certificate records.
  const web = golden.httpRoutes.find((r) => r.metadata.name === 'web') as ResourceSet['httpRoutes'][number];
  const rules = web.spec.rules ?? [];
  const reordered: ResourceSet = { ...golden, httpRoutes: golden.httpRoutes.map((r) => (r === web ? { ...web, spec: { ...web.spec, rules: [...rules.slice(1), ...rules.slice(0, 1)] } } : r)) };
  const fourth = translator.translate(reordered, options);
  const gatewayOf = (result: typeof first) => result.ir.gateways.find((g) => g.name === 'gateway/infra/gw');
  assert.notEqual(gatewayOf(fourth), gatewayOf(third));
  assert.equal(gatewayOf(fourth)?.backends, gatewayOf(third)?.backends);
  assert.equal(gatewayOf(fourth)?.certificates, gatewayOf(third)?.certificates);
});

test('without BackendTLSPolicies the IR is what it was: no TLS, no client certificate in the table', () => {
  const without: ResourceSet = { ...golden, backendTLSPolicies: [] };
  const result = translate(without, options);
  for (const gateway of result.ir.gateways) {
    for (const backend of Object.values(gateway.backends)) assert.equal(backend.tls, undefined, backend.name);
  }
  // Gateway "gw" has an HTTP listener only: its client certificate has no use, so no table.
  assert.equal(result.ir.gateways.find((g) => g.name === 'gateway/infra/gw')?.certificates, undefined);
  assert.equal(result.statuses.filter((s) => s.kind === 'BackendTLSPolicy').length, 0);
});

const random = seededRandom;

test('a Translator agrees with a fresh translate() over random edits of policies, CA bundles, client certificates and routes', () => {
  for (const seed of [1, 2, 3]) {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const translator = createTranslator();
    let world: ResourceSet = { ...golden };
    const history: string[] = [];
    for (let step = 0; step < 40; step++) {
      const edit = pick(['drop-policy', 'restore-policy', 'ca', 'client', 'age', 'route', 'status']);
      history.push(edit);
      if (edit === 'drop-policy' && world.backendTLSPolicies.length > 0) {
        const victim = pick(world.backendTLSPolicies);
        world = { ...world, backendTLSPolicies: world.backendTLSPolicies.filter((p) => p !== victim) };
      } else if (edit === 'restore-policy') {
        world = { ...world, backendTLSPolicies: golden.backendTLSPolicies };
      } else if (edit === 'ca') {
        const pem = pick([CA_PEM, '', 'garbage']);
        world = { ...world, configMaps: world.configMaps.map((c) => (c.metadata.name === 'backend-ca' ? { ...c, data: { 'ca.crt': pem } } : c)) };
      } else if (edit === 'client') {
        const present = world.secrets.some((s) => s.metadata.name === 'client-cert' && s.metadata.namespace === 'infra');
        world = { ...world, secrets: present ? world.secrets.filter((s) => !(s.metadata.name === 'client-cert' && s.metadata.namespace === 'infra')) : golden.secrets };
      } else if (edit === 'age') {
        const target = pick(world.backendTLSPolicies.length > 0 ? world.backendTLSPolicies : golden.backendTLSPolicies);
        const created = pick(['2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z', undefined]);
        world = {
          ...world,
          backendTLSPolicies: world.backendTLSPolicies.map((p) => (p === target ? { ...p, metadata: { ...p.metadata, ...(created === undefined ? {} : { creationTimestamp: created }) } } : p)),
        };
      } else if (edit === 'route') {
        world = { ...world, httpRoutes: world.httpRoutes.length === golden.httpRoutes.length ? world.httpRoutes.slice(1) : golden.httpRoutes };
      }
      const result = translator.translate(world, options);
      const fresh = translate(world, options);
      assert.equal(JSON.stringify(result), JSON.stringify(fresh), `seed ${seed}, after ${history.join(', ')}`);
      if (edit === 'status') {
        // The statuses written back, as a provider would: conditions keep their lastTransitionTime.
        world = {
          ...world,
          backendTLSPolicies: world.backendTLSPolicies.map((p) => {
            const written = statusOf(result.statuses, 'BackendTLSPolicy', p.metadata.name)?.status as BackendTLSPolicy['status'];
            return written === undefined ? p : { ...p, status: written };
          }),
        };
      }
    }
  }
});

test("the Gateway's ResolvedRefs with a backend client certificate: the certificate's verdict, or the listeners' when it is valid", () => {
  const clock = { now: TEST_NOW, generation: 1 };
  const condition = (type: string, status: 'True' | 'False', reason: string) => ({ type, status, reason, message: '', lastTransitionTime: TEST_NOW });
  const listener = (resolved: boolean) => ({ name: 'https', supportedKinds: [], attachedRoutes: 0, conditions: [condition('ResolvedRefs', resolved ? 'True' : 'False', resolved ? 'ResolvedRefs' : 'InvalidCertificateRef')] });
  const valid: BackendClientCertificate = { name: 'secret/ns/client', condition: { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'ok' } };
  const invalid: BackendClientCertificate = { condition: { type: 'ResolvedRefs', status: 'False', reason: 'InvalidClientCertificateRef', message: 'missing' } };
  const cases: { name: string; client: BackendClientCertificate | undefined; listenersResolved: boolean; existing?: boolean; want: string | undefined }[] = [
    { name: 'no client certificate: no condition added', client: undefined, listenersResolved: true, want: undefined },
    { name: 'valid, listeners resolved', client: valid, listenersResolved: true, want: 'True/ResolvedRefs' },
    { name: 'valid, a listener unresolved', client: valid, listenersResolved: false, want: 'False/ListenersNotResolved' },
    { name: 'invalid wins over listeners', client: invalid, listenersResolved: false, want: 'False/InvalidClientCertificateRef' },
    { name: 'a False already there is kept', client: valid, listenersResolved: true, existing: true, want: 'False/SomethingElse' },
  ];
  for (const c of cases) {
    const status = {
      conditions: [condition('Accepted', 'True', 'Accepted'), ...(c.existing === true ? [condition('ResolvedRefs', 'False', 'SomethingElse')] : [])],
      listeners: [listener(c.listenersResolved)],
    };
    const result = withClientCertificateCondition(status, c.client, undefined, clock);
    const resolved = result.conditions.find((x) => x.type === 'ResolvedRefs');
    assert.equal(resolved === undefined ? undefined : `${resolved.status}/${resolved.reason}`, c.want, c.name);
    if (c.client === undefined) assert.equal(result, status, c.name);
  }
});
