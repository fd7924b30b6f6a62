// HTTPS and TLS listeners end to end, from YAML: a Gateway with an HTTPS
// listener (certificate in a kubernetes.io/tls Secret, client certificates
// validated and forwarded) and a TLS passthrough listener with a TLSRoute,
// served by a real Portico (file provider → translate → data plane).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { httpsGet } from '../dataplane/ports-helpers.ts';
import { opensslMissing } from '../echo/certs.ts';
import { createPki } from '../l4/pki.ts';
import type { Authority, Issued, Pki } from '../l4/pki.ts';
import { startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { backend, httpRoute } from '../support/manifests.ts';
import type { Manifest } from '../support/manifests.ts';
import { eventually, freePort } from '../support/net.ts';

function tlsSecret(name: string, issued: Issued): Manifest {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace: 'default' },
    data: { 'tls.crt': Buffer.from(issued.cert).toString('base64'), 'tls.key': Buffer.from(issued.key).toString('base64') },
  };
}

describe('TLS listeners from YAML', { skip: opensslMissing() }, () => {
  let pki: Pki;
  let serverCa: Authority;
  let clientCa: Authority;
  const issued: Record<string, Issued> = {};
  let tlsEcho: EchoServer;
  let harness: Harness;
  let httpsPort: number;
  let passthroughPort: number;

  before(async () => {
    pki = await createPki();
    serverCa = await pki.authority('Portico E2E Server CA');
    clientCa = await pki.authority('Portico E2E Client CA');
    issued.shop = await serverCa.issue('shop.example.com');
    issued.backend = await serverCa.issue('secure.example.com');
    issued.client = await clientCa.issue('client', { dnsNames: ['client.example'] });
    tlsEcho = await startEcho({ name: 'tls-echo', tls: issued.backend });
    httpsPort = await freePort();
    passthroughPort = await freePort();
    harness = await startHarness({
      backends: ['echo'],
      gateways: (port) => [{
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'default' },
        spec: {
          gatewayClassName: 'portico',
          tls: { frontend: { default: { validation: { mode: 'AllowInsecureFallback', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }] } } } },
          listeners: [
            { name: 'http', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
            {
              name: 'https', port: httpsPort, protocol: 'HTTPS', hostname: 'shop.example.com',
              tls: { certificateRefs: [{ name: 'shop-cert' }], options: { 'portico.dev/forward-client-cert': 'true' } },
            },
            { name: 'passthrough', port: passthroughPort, protocol: 'TLS', hostname: 'secure.example.com', tls: { mode: 'Passthrough' } },
          ],
        },
      }],
      extra: [
        tlsSecret('shop-cert', issued.shop),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client-ca', namespace: 'default' }, data: { 'ca.crt': clientCa.cert } },
        ...backend('tls-echo', tlsEcho.port),
      ],
      routes: [
        httpRoute('shop', { parentRefs: [{ name: 'gw', sectionName: 'https' }], rules: [{ backendRefs: [{ name: 'echo', port: 80 }] }] }),
        {
          apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 'secure', namespace: 'default' },
          spec: { parentRefs: [{ name: 'gw', sectionName: 'passthrough' }], hostnames: ['secure.example.com'], rules: [{ backendRefs: [{ name: 'tls-echo', port: 80 }] }] },
        },
      ],
    });
  });
  after(async () => {
    await harness.close();
    await tlsEcho.close();
    await pki.remove();
  });

  it('terminates HTTPS with the Secret\'s certificate and forwards with scheme https and the verified client identity', async () => {
    const response = await eventually(() => httpsGet(httpsPort, { servername: 'shop.example.com', cert: issued.client?.cert, key: issued.client?.key }));
    assert.equal(response.certificate, 'shop.example.com');
    assert.equal(response.status, 200);
    const seen = JSON.parse(response.body) as RequestDescription;
    assert.deepEqual(seen.headers['x-forwarded-proto'], ['https']);
    assert.match(seen.headers['x-forwarded-client-cert']?.[0] ?? '', /Subject="CN=client,O=Portico Tests";DNS=client.example$/);

    const anonymous = await httpsGet(httpsPort, { servername: 'shop.example.com', headers: { 'x-forwarded-client-cert': 'Hash=forged' } });
    assert.equal(anonymous.status, 200, 'AllowInsecureFallback lets clients without a certificate in');
    assert.equal((JSON.parse(anonymous.body) as RequestDescription).headers['x-forwarded-client-cert'], undefined);
  });

  it('passes TLS through to the TLSRoute\'s backend, which presents its own certificate', async () => {
    const response = await eventually(() => httpsGet(passthroughPort, { servername: 'secure.example.com', path: '/through' }));
    assert.equal(response.certificate, 'secure.example.com');
    assert.equal((JSON.parse(response.body) as RequestDescription).name, 'tls-echo');
  });
});
