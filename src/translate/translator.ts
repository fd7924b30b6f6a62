// A Translator runs translate() on snapshot after snapshot and keeps what it
// worked out, so that each run redoes only the work its changes call for:
// the index tables of kinds that did not change (resource-index.ts), Gateway
// contexts (gateway-memo.ts), each route's compilation, attachment and status
// (route-table.ts), each port's rules and match order (httpport.ts), each
// Gateway's IR (gateway-ir.ts), each ListenerSet's status
// (listenerset-status-memo.ts). Everything it keeps is checked by identity
// against the new snapshot before it is used, so a run gives exactly what a
// fresh translate() of the same snapshot gives (translator.test.ts holds it
// to that over random edit sequences), and parts of the output that did not
// change are the same objects as in the previous run.
//
// It reads top to bottom as translate() does: index the inputs; accept
// GatewayClasses; judge the Gateways of accepted classes and their listeners,
// with the ListenerSets they take (listenerset.ts); compile every route that
// names one of those Gateways (or ListenerSets) and attach it per parentRef (HTTPRoutes and GRPCRoutes sharing hostnames on a listener: the
// older wins); resolve each Gateway's certificates and client CAs
// (tls/gateway-tls.ts); build one IRGateway per serving Gateway, with TLS to
// the backends BackendTLSPolicies select (backend-tls-apply.ts); then write
// the statuses (ListenerSets' with their Gateway's), the policies' last.
import type { IR, IRGateway } from '../ir/types.ts';
import type { AnyRoute, GatewayClass } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import { BackendTlsApplier } from './backend-tls-apply.ts';
import { resolveBackendClientCertificate, withClientCertificateCondition } from './backend-tls-client.ts';
import { buildPolicyStatuses } from './backend-tls-status.ts';
import { namespaceOf } from './defaults.ts';
import { GatewayIRBuilder } from './gateway-ir.ts';
import { GatewayMemo, listenerSetsByGateway } from './gateway-memo.ts';
import { evaluateGatewayClass, gatewayClassAccepted } from './gatewayclass.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { regexChecker } from './regex-cache.ts';
import { ResourceIndexer } from './resource-index.ts';
import { RouteTable } from './route-table.ts';
import { buildGatewayStatus, gatewayServingWithTls, overlappingHostnames } from './status/gateway.ts';
import { buildGatewayClassStatus } from './status/gatewayclass.ts';
import { buildListenerSetStatus } from './status/listenerset.ts';
import { ListenerSetStatusMemo } from './listenerset-status-memo.ts';
import type { StatusUpdate } from './status-update.ts';
import { compareStatuses, StatusInterner } from './status-update.ts';
import { GatewayTlsResolver } from './tls/gateway-tls.ts';

export interface TranslateOptions {
  /** Portico's controller name: 'portico.dev/gateway-controller'. */
  controllerName: string;
  /** RFC 3339; lastTransitionTime for conditions that changed. */
  now: string;
}

export interface TranslateResult {
  ir: IR;
  statuses: StatusUpdate[];
}

export interface Translator {
  /** The same result as translate(resources, options); parts unchanged since the last call are the same objects. */
  translate(resources: ResourceSet, options: TranslateOptions): TranslateResult;
}

/** Objects sorted by "{namespace}/{name}", each key worked out once. */
function byNamespacedName<T extends { metadata: { namespace?: string; name: string } }>(objects: readonly T[]): T[] {
  const keyed = objects.map((object) => ({ object, key: `${namespaceOf(object.metadata)}/${object.metadata.name}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.object);
}

function routeObjects(resources: ResourceSet): AnyRoute[] {
  const { httpRoutes, grpcRoutes, tlsRoutes, tcpRoutes, udpRoutes } = resources;
  return grpcRoutes.length + tlsRoutes.length + tcpRoutes.length + udpRoutes.length === 0 ? httpRoutes : [...httpRoutes, ...grpcRoutes, ...tlsRoutes, ...tcpRoutes, ...udpRoutes];
}

export function createTranslator(): Translator {
  const indexer = new ResourceIndexer();
  const gatewayMemo = new GatewayMemo();
  const routes = new RouteTable();
  const irBuilder = new GatewayIRBuilder();
  const tlsResolver = new GatewayTlsResolver();
  const backendTls = new BackendTlsApplier();
  const interner = new StatusInterner();
  const listenerSetStatuses = new ListenerSetStatusMemo();
  let lastController: string | undefined;

  return {
    translate(resources, options) {
      const { index, changed, policies } = indexer.index(resources);
      const clock = (meta: { generation?: number }) => ({ now: options.now, generation: meta.generation });
      const statuses: StatusUpdate[] = [];
      interner.begin();
      irBuilder.begin();

      // GatewayClasses naming Portico's controller.
      const classes = resources.gatewayClasses.filter((c) => c.spec.controllerName === options.controllerName).map(evaluateGatewayClass);
      const acceptedClasses = new Set(classes.filter(gatewayClassAccepted).map((c) => c.gatewayClass.metadata.name));
      for (const context of classes) {
        const gc: GatewayClass = context.gatewayClass;
        statuses.push(interner.intern({ apiVersion: gc.apiVersion, kind: 'GatewayClass', metadata: { name: gc.metadata.name }, status: buildGatewayClassStatus(context, clock(gc.metadata)) }));
      }

      // Gateways of accepted Portico classes, with the ListenerSets naming them.
      const managed = byNamespacedName(resources.gateways).filter((g) => acceptedClasses.has(g.spec.gatewayClassName));
      const evaluated = gatewayMemo.evaluate(managed, listenerSetsByGateway(resources.listenerSets), index);
      const gateways = evaluated.contexts;
      const listenerSets = new Map<string, ListenerSetContext>();
      for (const gateway of gateways.values()) for (const set of gateway.listenerSets) listenerSets.set(`${set.namespace}/${set.name}`, set);

      // Routes naming those Gateways, compiled and attached per parentRef, with their statuses.
      const stable =
        evaluated.unchanged &&
        options.controllerName === lastController &&
        !changed.has('services') &&
        !changed.has('referenceGrants') &&
        !changed.has('namespaces') &&
        !changed.has('backendTLSPolicies');
      lastController = options.controllerName;
      const routed = routes.update(routeObjects(resources), { index, changed, gateways, listenerSets, regex: regexChecker(), stable, controllerName: options.controllerName, now: options.now });

      // Gateway statuses (after attachment, for attachedRoutes; with their certificates and client CAs) and the IR.
      const irGateways: IRGateway[] = [];
      tlsResolver.begin();
      backendTls.begin(policies, index);
      for (const gateway of gateways.values()) {
        for (const listener of gateway.allListeners) listener.attachedRoutes = routes.attachments.get(listener)?.size ?? 0;
        const tls = tlsResolver.resolve(gateway, index, options.now);
        const client = resolveBackendClientCertificate(gateway, index, options.now);
        const overlaps = overlappingHostnames(gateway.allListeners);
        let attachedListenerSets = 0;
        for (const set of gateway.listenerSets) {
          const ls = set.listenerSet;
          const setClock = clock(ls.metadata);
          const { update, accepted } = listenerSetStatuses.status(set, gateway, tls, overlaps, setClock, () => interner.intern({ apiVersion: ls.apiVersion, kind: 'ListenerSet', metadata: { namespace: set.namespace, name: set.name }, status: buildListenerSetStatus(set, gateway, tls, overlaps, setClock) }), (kept) => interner.keep(kept));
          if (accepted) attachedListenerSets++;
          statuses.push(update);
        }
        const gatewayClock = clock(gateway.gateway.metadata);
        statuses.push(interner.intern({
          apiVersion: gateway.gateway.apiVersion,
          kind: 'Gateway',
          metadata: { namespace: gateway.namespace, name: gateway.name },
          status: withClientCertificateCondition(buildGatewayStatus(gateway, tls, gatewayClock, overlaps, attachedListenerSets), client, gateway.gateway.status?.conditions, gatewayClock),
        }));
        if (gatewayServingWithTls(gateway, tls)) irGateways.push(backendTls.apply(irBuilder.build(gateway, tls, routes.attachments, routed.changes, index, changed), gateway, client));
      }
      // BackendTLSPolicies last: their ancestors are the Gateways whose IR uses their Services.
      const policyStatuses = buildPolicyStatuses(resources.backendTLSPolicies, backendTls, options.controllerName, options.now).map((update) => interner.intern(update));

      interner.finish();
      irBuilder.finish();
      tlsResolver.finish();
      backendTls.finish();
      // Classes and Gateways first, then the routes (already in order), then the policies.
      return { ir: { gateways: irGateways }, statuses: [...statuses.sort(compareStatuses), ...routed.statuses, ...policyStatuses] };
    },
  };
}
