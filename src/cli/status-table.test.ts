import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findProblems, renderTable } from './status-table.ts';

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

test('a ListenerSet renders like a Gateway, and one not accepted (or with a listener not accepted) fails check', () => {
  const condition = (type: string, status: 'True' | 'False', reason: string) => ({ type, status, reason, message: reason, lastTransitionTime: '2026-01-01T00:00:00Z' });
  const listenerSet = (name: string, accepted: 'True' | 'False', reason: string, listenerAccepted: 'True' | 'False') => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ListenerSet',
    metadata: { namespace: 'team', name },
    status: {
      conditions: [condition('Accepted', accepted, reason), condition('Programmed', accepted, reason)],
      listeners: [{ name: 'apps', attachedRoutes: 2, conditions: [condition('Accepted', listenerAccepted, listenerAccepted === 'True' ? 'Accepted' : 'HostnameConflict')] }],
    },
  });
  const statuses = [listenerSet('good', 'True', 'Accepted', 'True'), listenerSet('refused', 'False', 'NotAllowed', 'True'), listenerSet('partly', 'True', 'ListenersNotValid', 'False')];
  const table = renderTable(statuses, 'portico.dev/gateway-controller');
  assert.match(table, /ListenerSet\s+team\/good\s+Accepted=True, Programmed=True/);
  assert.match(table, /listener\s+apps \(2 routes\)/);
  assert.deepEqual(
    findProblems(statuses, 'portico.dev/gateway-controller').map((p) => p.object),
    ['ListenerSet team/refused', 'ListenerSet team/partly listener apps'],
  );
});
