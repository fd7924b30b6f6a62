// TLS to backends end to end (cf. conformance BackendTLSPolicy,
// BackendTLSPolicySANValidation, BackendTLSPolicyInvalidKind,
// GatewayTLSBackendClientCertificate): HTTPS echo backends reached through
// BackendTLSPolicies — verified hostname and SNI, a wrong hostname or an
// untrusted CA answered 503, SAN URI matching, the Gateway's client
// certificate presented to a backend that checks it, WebSocket over TLS to a
// kubernetes.io/wss port, a CA ConfigMap change
// taking effect without restarting anything, and a TLSRoute that terminates
// encrypting its stream again to the backend.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { RequestDescription } from '../../src/echo/describe.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';
import type { Manifest } from '../support/manifests.ts';
import { backend, httpRoute, toYaml } from '../support/manifests.ts';
import { eventually, freePort } from '../support/net.ts';
import { createPki } from '../l4/pki.ts';
import type { Authority, Issued, Pki } from '../l4/pki.ts';

const SPIFFE_ID = 'spiffe://cluster.local/ns/default/sa/secure';

function configMap(name: string, pem: string): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { 'ca.crt': pem } };
}

function policy(name: string, service: string, validation: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'BackendTLSPolicy',
    metadata: { name, namespace: 'default' },
    spec: { targetRefs: [{ group: '', kind: 'Service', name: service }], validation },
  };
}

const caRef = (name: string) => ({ caCertificateRefs: [{ group: '', kind: 'ConfigMap', name }] });

describe('BackendTLSPolicy: TLS from the gateway to backends', () => {
  let pki: Pki;
  let backendCa: Authority;
  let otherCa: Authority;
  let clientCert: Issued;
  let secure: EchoServer;
  let mtls: EchoServer;
  let harness: Harness;

  before(async () => {
    pki = await createPki();
    backendCa = await pki.authority('backend-ca');
    otherCa = await pki.authority('other-ca');
    const clientCa = await pki.authority('client-ca');
    const serving = await backendCa.issue('abc.example.com', { dnsNames: ['abc.example.com'], uris: [SPIFFE_ID] });
    clientCert = await clientCa.issue('gateway-client');
    secure = await startEcho({ host: '127.0.0.1', name: 'secure', tls: serving });
    // Checks client certificates against client-ca (and refuses others).
    mtls = await startEcho({ host: '127.0.0.1', name: 'mtls', tls: { ...serving, ca: clientCa.cert } });

    // Every TLS Service points at the same HTTPS echo: what differs is the policy.
    const services = ['secure', 'mismatch', 'untrusted', 'san-uri', 'san-miss', 'rotating', 'no-ca'].flatMap((name) => backend(name, secure.port));
    harness = await startHarness({
      backends: ['plain'],
      gateways: (port) => [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'gw', namespace: 'default' },
          spec: {
            gatewayClassName: 'portico',
            tls: { backend: { clientCertificateRef: { name: 'gateway-client' } } },
            listeners: [{ name: 'http', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }],
          },
        },
      ],
      extra: [
        ...services,
        ...backend('mtls', mtls.port),
        ...backend('wss', secure.port, { appProtocol: 'kubernetes.io/wss' }),
        ...backend('wss-bare', secure.port, { appProtocol: 'kubernetes.io/wss' }),
        configMap('backend-ca', backendCa.cert),
        configMap('other-ca', otherCa.cert),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'gateway-client', namespace: 'default' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': clientCert.cert, 'tls.key': clientCert.key } },
        policy('secure', 'secure', { ...caRef('backend-ca'), hostname: 'abc.example.com' }),
        policy('mismatch', 'mismatch', { ...caRef('backend-ca'), hostname: 'mismatch.example.com' }),
        policy('untrusted', 'untrusted', { ...caRef('other-ca'), hostname: 'abc.example.com' }),
        policy('san-uri', 'san-uri', { ...caRef('backend-ca'), hostname: 'not-in-the-certificate.example.com', subjectAltNames: [{ type: 'URI', uri: SPIFFE_ID }] }),
        policy('san-miss', 'san-miss', { ...caRef('backend-ca'), hostname: 'abc.example.com', subjectAltNames: [{ type: 'URI', uri: 'spiffe://cluster.local/ns/default/sa/someone-else' }] }),
        policy('rotating', 'rotating', { ...caRef('rotating-ca'), hostname: 'abc.example.com' }),
        policy('no-ca', 'no-ca', { ...caRef('does-not-exist'), hostname: 'abc.example.com' }),
        policy('mtls', 'mtls', { ...caRef('backend-ca'), hostname: 'abc.example.com' }),
        policy('wss', 'wss', { ...caRef('backend-ca'), hostname: 'abc.example.com' }),
      ],
      routes: [
        httpRoute('tls', {
          rules: ['secure', 'mismatch', 'untrusted', 'san-uri', 'san-miss', 'rotating', 'no-ca', 'mtls', 'wss', 'plain'].map((name) => ({
            matches: [{ path: { type: 'PathPrefix', value: `/${name}` } }],
            backendRefs: [{ name, port: 80 }],
          })),
        }),
        // Half to a wss port no policy covers (yet), half to a plain backend.
        httpRoute('bare', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/bare' } }], backendRefs: [{ name: 'wss-bare', port: 80 }, { name: 'plain', port: 80 }] }] }),
      ],
    });
    // The rotating policy starts out trusting the wrong CA.
    await harness.write('rotating-ca.yaml', toYaml(configMap('rotating-ca', otherCa.cert)));
  });

  after(async () => {
    await harness.close();
    await Promise.all([secure.close(), mtls.close()]);
    await pki.remove();
  });

  test('a backend whose certificate carries the policy hostname, signed by its CA, answers 200 over TLS with that SNI', async () => {
    const seen = await harness.echo({ path: '/secure' });
    assert.equal(seen.name, 'secure');
    assert.equal(seen.tls?.serverName, 'abc.example.com');
    assert.equal(seen.tls?.negotiatedProtocol, 'http/1.1');
    assert.ok(seen.tls?.version === 'TLSv1.2' || seen.tls?.version === 'TLSv1.3', seen.tls?.version);
    // Plain backends stay plain.
    assert.equal((await harness.echo({ path: '/plain' })).tls, undefined);
  });

  test('a hostname the certificate does not carry, or a CA that did not sign it, answers 503 with the reason', async () => {
    for (const path of ['/mismatch', '/untrusted']) {
      const response = await harness.send({ path });
      assert.equal(response.status, 503, `${path}: ${response.body}`);
    }
    assert.match((await harness.send({ path: '/mismatch' })).body, /mismatch\.example\.com/);
  });

  test('subjectAltNames: a matching URI SAN authenticates (the hostname is then only the SNI); no matching SAN answers 503', async () => {
    const seen = await harness.echo({ path: '/san-uri' });
    assert.equal(seen.tls?.serverName, 'not-in-the-certificate.example.com');
    assert.equal((await harness.send({ path: '/san-miss' })).status, 503);
  });

  test('a policy without a valid CA certificate fails its requests with 503 and says so in its status', async () => {
    assert.equal((await harness.send({ path: '/no-ca' })).status, 503);
    const status = harness.portico.loop.state.statuses.find((s) => s.kind === 'BackendTLSPolicy' && s.metadata.name === 'no-ca')?.status as
      | { ancestors: { ancestorRef: { name: string }; conditions: { type: string; status: string; reason: string }[] }[] }
      | undefined;
    const conditions = status?.ancestors.find((a) => a.ancestorRef.name === 'gw')?.conditions ?? [];
    assert.deepEqual(conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), ['Accepted=False/NoValidCACertificate', 'ResolvedRefs=False/InvalidCACertificateRef']);
  });

  test('policy conditions keep their lastTransitionTime across reloads that do not change them', async () => {
    type PolicyStatus = { ancestors: { conditions: { type: string; lastTransitionTime: string }[] }[] };
    const transitions = () => {
      const status = harness.portico.loop.state.statuses.find((s) => s.kind === 'BackendTLSPolicy' && s.metadata.name === 'secure')?.status as PolicyStatus | undefined;
      return status?.ancestors[0]?.conditions.map((c) => `${c.type}@${c.lastTransitionTime}`) ?? [];
    };
    const before = transitions();
    assert.equal(before.length, 2);
    await harness.write('unrelated.yaml', toYaml(configMap('unrelated', 'nothing')));
    assert.deepEqual(transitions(), before);
  });

  test("the Gateway's client certificate is presented to TLS backends", async () => {
    const seen = await harness.echo({ path: '/mtls' });
    assert.equal(seen.name, 'mtls');
    const presented = seen.tls?.peerCertificates[0]?.replace(/\s+/g, '');
    assert.equal(presented, clientCert.cert.replace(/\s+/g, ''));
  });

  test('a kubernetes.io/wss Service port with a BackendTLSPolicy carries WebSocket over TLS (GEP-1911)', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${harness.port}/wss`);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send('hello over TLS'));
      socket.addEventListener('message', (event) => resolve(String(event.data)));
      socket.addEventListener('error', () => reject(new Error('websocket error')));
    });
    socket.close();
    assert.equal(reply, 'hello over TLS');
  });

  test('a kubernetes.io/wss port no policy covers: ResolvedRefs=False UnsupportedProtocol, its share answers 500, the other backend serves; a policy added makes it work', async () => {
    type RouteStatus = { parents: { conditions: { type: string; status: string; reason: string; message: string }[] }[] };
    const resolvedRefs = () =>
      (harness.portico.loop.state.statuses.find((s) => s.kind === 'HTTPRoute' && s.metadata.name === 'bare')?.status as RouteStatus | undefined)?.parents[0]?.conditions.find((c) => c.type === 'ResolvedRefs');
    assert.deepEqual([resolvedRefs()?.status, resolvedRefs()?.reason], ['False', 'UnsupportedProtocol']);
    assert.match(resolvedRefs()?.message ?? '', /default\/wss-bare .*kubernetes\.io\/wss.*add one targeting Service default\/wss-bare/);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 40; i++) {
      const response = await harness.send({ path: '/bare' });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) assert.equal(response.json<RequestDescription>().name, 'plain');
    }
    assert.deepEqual([...statuses.keys()].sort(), [200, 500], `answers: ${JSON.stringify([...statuses])}`);

    await harness.write('wss-bare-policy.yaml', toYaml(policy('wss-bare', 'wss-bare', { ...caRef('backend-ca'), hostname: 'abc.example.com' })));
    assert.deepEqual([resolvedRefs()?.status, resolvedRefs()?.reason], ['True', 'ResolvedRefs']);
    for (let i = 0; i < 20; i++) assert.equal((await harness.send({ path: '/bare' })).status, 200);
  });

  test('a change to the CA ConfigMap takes effect: connections follow the new trust', async () => {
    assert.equal((await harness.send({ path: '/rotating' })).status, 503);
    await harness.write('rotating-ca.yaml', toYaml(configMap('rotating-ca', backendCa.cert)));
    const seen = await eventually(async () => {
      const response = await harness.send({ path: '/rotating' });
      assert.equal(response.status, 200, response.body);
      return response.json<RequestDescription>();
    });
    assert.equal(seen.tls?.serverName, 'abc.example.com');
    // And back: a connection made under the old trust is not reused for the new one.
    await harness.write('rotating-ca.yaml', toYaml(configMap('rotating-ca', otherCa.cert)));
    await eventually(async () => assert.equal((await harness.send({ path: '/rotating' })).status, 503));
  });
});

/** One HTTP/1.1 request over a TLS connection to the gateway; the raw answer ('' when the gateway closed without one). */
async function requestOverTls(port: number, servername: string, ca: string): Promise<string> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername, ca });
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  socket.end(`GET /stream HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

describe('BackendTLSPolicy on a TLSRoute that terminates: the stream is encrypted again to the backend', () => {
  let pki: Pki;
  let frontCa: Authority;
  let echo: EchoServer;
  let harness: Harness;
  let tlsPort: number;

  before(async () => {
    pki = await createPki();
    frontCa = await pki.authority('front-ca');
    const backendCa = await pki.authority('backend-ca');
    const front = await frontCa.issue('*.example.com', { dnsNames: ['*.example.com'] });
    echo = await startEcho({ host: '127.0.0.1', name: 'stream', tls: await backendCa.issue('abc.example.com') });
    tlsPort = await freePort();
    harness = await startHarness({
      backends: [],
      gateways: (port) => [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'gw', namespace: 'default' },
          spec: {
            gatewayClassName: 'portico',
            listeners: [
              { name: 'http', port, protocol: 'HTTP' },
              { name: 'tls', port: tlsPort, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'front' }] } },
            ],
          },
        },
      ],
      extra: [
        ...backend('stream', echo.port),
        ...backend('stream-mismatch', echo.port),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'front', namespace: 'default' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': front.cert, 'tls.key': front.key } },
        configMap('backend-ca', backendCa.cert),
        policy('stream', 'stream', { ...caRef('backend-ca'), hostname: 'abc.example.com' }),
        policy('stream-mismatch', 'stream-mismatch', { ...caRef('backend-ca'), hostname: 'mismatch.example.com' }),
        ...['stream', 'stream-mismatch'].map((name) => ({
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'TLSRoute',
          metadata: { name, namespace: 'default' },
          spec: { parentRefs: [{ name: 'gw', sectionName: 'tls' }], hostnames: [`${name}.example.com`], rules: [{ backendRefs: [{ name, port: 80 }] }] },
        })),
      ],
    });
  });

  after(async () => {
    await harness.close();
    await echo.close();
    await pki.remove();
  });

  test('the backend sees a TLS connection with the policy hostname as SNI', async () => {
    const answer = await eventually(async () => {
      const text = await requestOverTls(tlsPort, 'stream.example.com', frontCa.cert);
      assert.match(text, /^HTTP\/1\.1 200/);
      return text;
    });
    const seen = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as RequestDescription;
    assert.equal(seen.tls?.serverName, 'abc.example.com');
    assert.equal(seen.tls?.negotiatedProtocol, '', 'no ALPN on a stream');
  });

  test('a backend that fails the policy check gets no stream: the client connection is closed', async () => {
    assert.equal(await requestOverTls(tlsPort, 'stream-mismatch.example.com', frontCa.cert), '');
  });
});
