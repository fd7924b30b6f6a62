import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable } from './status-table.ts';

test('a BackendTLSPolicy renders one row per Gateway it affects, with its conditions; none says so', () => {
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' });
  const table = renderTable(
    [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'BackendTLSPolicy',
        metadata: { namespace: 'default', name: 'backend-tls' },
        status: {
          ancestors: [
            {
              ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
              controllerName: 'portico.dev/gateway-controller',
              conditions: [condition('Accepted', 'False', 'NoValidCACertificate', 'no valid CA certificate'), condition('ResolvedRefs', 'False', 'InvalidCACertificateRef', 'not found')],
            },
            { ancestorRef: { name: 'theirs' }, controllerName: 'example.com/other', conditions: [] },
          ],
        },
      },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'BackendTLSPolicy', metadata: { namespace: 'default', name: 'unused' }, status: { ancestors: [] } },
    ],
    'portico.dev/gateway-controller',
  );
  assert.match(table, /BackendTLSPolicy\s+default\/backend-tls → default\/gw\s+Accepted=False \(NoValidCACertificate: no valid CA certificate\), ResolvedRefs=False \(InvalidCACertificateRef: not found\)/);
  assert.doesNotMatch(table, /theirs/);
  assert.match(table, /BackendTLSPolicy\s+default\/unused \(no Gateway uses its targets\)/);
});
