import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildResourceSet, formatDiagnostic, parseManifests } from './index.ts';
import { errorsOf, warningsOf, yaml } from './test-support.ts';

const service = (name: string) => yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: ${name}
  spec:
    ports:
    - port: 80
`;

test('multi-document files: every object, with the line it starts on; empty documents skipped', () => {
  const text = `---\n${service('a')}---\n# nothing but a comment\n---\n---\n${service('b')}`;
  const result = parseManifests(text, 'svc.yaml');
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.syntaxError, false);
  assert.deepEqual(
    result.objects.map((o) => [o.object.metadata.name, o.source]),
    [
      ['a', { file: 'svc.yaml', line: 2 }],
      ['b', { file: 'svc.yaml', line: 13 }],
    ],
  );
});

test('an empty file, or one with only comments, has no objects and no problems', () => {
  for (const text of ['', '\n\n', '# just a comment\n', '---\n---\n']) {
    const result = parseManifests(text, 'empty.yaml');
    assert.deepEqual([result.objects, result.diagnostics, result.syntaxError], [[], [], false], JSON.stringify(text));
  }
});

test('kind: List is expanded into its items, each with its own line', () => {
  const text = yaml`
    apiVersion: v1
    kind: List
    items:
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: team-a
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: Team_B
  `;
  const result = parseManifests(text, 'list.yaml');
  assert.deepEqual(
    result.objects.map((o) => [o.object.metadata.name, o.source.line]),
    [['team-a', 4]],
  );
  assert.equal(result.diagnostics.length, 1);
  assert.match(formatDiagnostic(result.diagnostics[0]!), /^list\.yaml:11: Namespace Team_B: metadata\.name: invalid value "Team_B": must be a lowercase RFC 1123 label/);
  assert.deepEqual(result.rejected, [{ kind: 'Namespace', name: 'Team_B', source: { file: 'list.yaml', line: 8 } }]);
});

test('a syntax error names its line; the other documents of the file still load', () => {
  const text = `${service('ok')}---\napiVersion: v1\nkind: Service\nmetadata: {name: broken\n---\n${service('after')}`;
  const result = parseManifests(text, 'bad.yaml');
  assert.equal(result.syntaxError, true);
  assert.deepEqual(result.objects.map((o) => o.object.metadata.name), ['ok', 'after']);
  // The unclosed "{" opens on line 11; the parser notices on line 12, where the next document starts.
  assert.deepEqual(errorsOf(result.diagnostics), [
    'bad.yaml:12: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (column 1)',
  ]);
});

test('bad indentation and duplicate keys are syntax errors at their line', () => {
  const indentation = parseManifests('apiVersion: v1\nkind: Service\n  metadata: x\n', 'indent.yaml');
  assert.equal(indentation.syntaxError, true);
  assert.match(errorsOf(indentation.diagnostics)[0]!, /^indent\.yaml:2: YAML syntax error/);

  const duplicate = parseManifests('apiVersion: v1\nkind: Service\nkind: Secret\n', 'dup.yaml');
  assert.equal(duplicate.syntaxError, true);
  assert.match(errorsOf(duplicate.diagnostics)[0]!, /^dup\.yaml:3: YAML syntax error: Map keys must be unique/);
});

test('anchors, aliases and merge keys resolve as kubectl resolves them', () => {
  const text = yaml`
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: merged
      labels: &common {app: web}
      annotations:
        <<: *common
        extra: "yes"
    data:
      a: "1"
  `;
  const result = parseManifests(text, 'anchors.yaml');
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.objects[0]?.object.metadata.annotations, { app: 'web', extra: 'yes' });
});

test('unknown kinds and unserved apiVersions are warnings, and the object is skipped', () => {
  const text = yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    ---
    apiVersion: gateway.networking.k8s.io/v1alpha1
    kind: HTTPRoute
    metadata:
      name: old
    spec: {}
  `;
  const result = parseManifests(text, 'x.yaml');
  assert.deepEqual(result.objects, []);
  assert.deepEqual(result.rejected, []);
  const warnings = warningsOf(result.diagnostics);
  assert.match(warnings[0]!, /^x\.yaml:2: Deployment web: kind: kind Deployment \(apps\/v1\) is not one Portico reads; the object is ignored/);
  assert.match(warnings[1]!, /^x\.yaml:6: HTTPRoute default\/old: apiVersion: apiVersion gateway\.networking\.k8s\.io\/v1alpha1 is not served for HTTPRoute \(served: gateway\.networking\.k8s\.io\/v1, gateway\.networking\.k8s\.io\/v1beta1\)/);
});

test('a document that is not an object, or lacks kind or apiVersion, is an error', () => {
  const result = parseManifests('- a\n- b\n---\nkind: Service\nmetadata: {name: x}\n---\n42\n', 'odd.yaml');
  assert.deepEqual(errorsOf(result.diagnostics), [
    'odd.yaml:1: a document must be a Kubernetes object (a map with apiVersion, kind and metadata), got a list',
    'odd.yaml:4: apiVersion: required field is missing: every object needs an apiVersion',
    'odd.yaml:7: a document must be a Kubernetes object (a map with apiVersion, kind and metadata), got 42',
  ]);
});

test('namespaced objects default to "default"; cluster-scoped ones drop a namespace with a warning', () => {
  const text = yaml`
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {ports: [{port: 80}]}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: GatewayClass
    metadata: {name: portico, namespace: infra}
    spec: {controllerName: portico.dev/gateway-controller}
  `;
  const result = parseManifests(text, 'ns.yaml');
  assert.equal(result.objects[0]?.object.metadata.namespace, 'default');
  assert.equal(result.objects[1]?.object.metadata.namespace, undefined);
  assert.deepEqual(warningsOf(result.diagnostics), ['ns.yaml:8: GatewayClass portico: metadata.namespace: GatewayClass is cluster-scoped: metadata.namespace is ignored']);
});

test('unknown fields are warnings (with a suggestion) and are dropped; nulls mean "not set"', () => {
  const text = yaml`
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: null
      ports:
      - prot: 80
        port: 8080
  `;
  const result = parseManifests(text, 'typo.yaml');
  assert.deepEqual(warningsOf(result.diagnostics), ['typo.yaml:8: Service default/web: spec.ports[0].prot: unknown field "prot" ignored (did you mean "port"?)']);
  const object = result.objects[0]?.object;
  assert.ok(object?.kind === 'Service');
  assert.deepEqual(object.spec, { ports: [{ port: 8080 }] });
});

test('status is dropped silently: Portico computes it', () => {
  const text = yaml`
    apiVersion: gateway.networking.k8s.io/v1
    kind: GatewayClass
    metadata: {name: portico}
    spec: {controllerName: portico.dev/gateway-controller}
    status: {conditions: []}
  `;
  const result = parseManifests(text, 'gc.yaml');
  assert.deepEqual(result.diagnostics, []);
  assert.equal('status' in (result.objects[0]?.object ?? {}), false);
});

test('Secret stringData is folded into data as base64, stringData winning', () => {
  const text = yaml`
    apiVersion: v1
    kind: Secret
    metadata: {name: creds}
    data:
      user: YWRtaW4=
      pass: b2xk
    stringData:
      pass: s3cret
  `;
  const result = parseManifests(text, 'secret.yaml');
  const object = result.objects[0]?.object;
  assert.ok(object?.kind === 'Secret');
  assert.deepEqual(object.data, { user: 'YWRtaW4=', pass: Buffer.from('s3cret').toString('base64') });
  assert.equal(object.stringData, undefined);
});

test('duplicates: the first in path order wins and the other is an error naming both places', () => {
  const first = parseManifests(service('web'), 'a.yaml');
  const second = parseManifests(`${service('other')}---\n${service('web')}`, 'b.yaml');
  const { resources, diagnostics } = buildResourceSet([...first.objects, ...second.objects]);
  assert.deepEqual(resources.services.map((s) => s.metadata.name), ['web', 'other']);
  assert.deepEqual(diagnostics.map(formatDiagnostic), ['b.yaml:9: Service default/web: duplicate object: already defined at a.yaml:1, which is the one used']);
});

test('the same name in different namespaces or kinds is not a duplicate', () => {
  const text = `${service('web')}---\n${service('web').replace('name: web', 'name: web\n  namespace: other')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n`;
  const result = parseManifests(text, 'x.yaml');
  const { resources, diagnostics } = buildResourceSet(result.objects);
  assert.deepEqual(diagnostics, []);
  assert.equal(resources.services.length, 2);
  assert.equal(resources.configMaps.length, 1);
});
