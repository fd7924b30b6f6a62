// translate(): Gateway API resources → the data plane's IR and the exact
// status Portico writes for every object it manages. Pure and deterministic:
// no I/O, no clock (the time comes in `options.now`), inputs never mutated,
// every output list sorted.
//
// It reads top to bottom: index the inputs; accept GatewayClasses; judge the
// Gateways of accepted classes and their listeners; compile every route that
// names one of those Gateways and attach it per parentRef (HTTPRoutes and
// GRPCRoutes sharing hostnames on a listener: the older wins); build one
// IRGateway per serving Gateway; then write the statuses.
import type { IR, IRBackend, IRGateway, IRPort } from '../ir/types.ts';
import type { AnyRoute, GatewayClass, ParentReference } from '../model/gatewayapi.ts';
import type { ResourceSet } from '../model/resources.ts';
import type { ParentAttachment } from './attachment.ts';
import { attachToGateway, parentGateway } from './attachment.ts';
import { namespaceOf } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import { evaluateGateway, gatewayServing } from './gateway.ts';
import { evaluateGatewayClass, gatewayClassAccepted } from './gatewayclass.ts';
import { compileGrpcRoute } from './grpcroute.ts';
import { compileHttpRoute } from './httproute.ts';
import type { ListenerCandidate } from './kind-conflicts.ts';
import { crossKindRejections } from './kind-conflicts.ts';
import type { AttachedRoute, ServedListener } from './httpport.ts';
import { buildHttpPort } from './httpport.ts';
import { compileL4Route } from './l4route.ts';
import type { ListenerContext } from './listener.ts';
import { listenerAccepted } from './listener.ts';
import { regexChecker } from './regex-cache.ts';
import { indexResources } from './resource-index.ts';
import type { CompiledRoute, RouteProblem } from './route-model.ts';
import { routeKey } from './route-model.ts';
import { buildGatewayStatus } from './status/gateway.ts';
import { buildGatewayClassStatus } from './status/gatewayclass.ts';
import type { ParentResult } from './status/route.ts';
import { RouteReason } from './status/reasons.ts';
import { buildRouteStatus } from './status/route.ts';

export interface TranslateOptions {
  /** Portico's controller name: 'portico.dev/gateway-controller'. */
  controllerName: string;
  /** RFC 3339; lastTransitionTime for conditions that changed. */
  now: string;
}

export interface StatusUpdate {
  /** As the object was written, e.g. 'gateway.networking.k8s.io/v1'. */
  apiVersion: string;
  kind: string;
  metadata: { namespace?: string; name: string };
  /**
   * The whole status subresource as Portico writes it. Gateway
   * status.addresses lists only the spec.addresses Portico honours; a
   * provider that knows the addresses it serves on may fill them in.
   */
  status: object;
}

export interface TranslateResult {
  ir: IR;
  statuses: StatusUpdate[];
}

const STATUS_KIND_ORDER = ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

function byNamespacedName<T extends { metadata: { namespace?: string; name: string } }>(objects: readonly T[]): T[] {
  const key = (o: T): string => `${namespaceOf(o.metadata)}/${o.metadata.name}`;
  return [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function compareStatuses(a: StatusUpdate, b: StatusUpdate): number {
  const ka = [STATUS_KIND_ORDER.indexOf(a.kind), a.metadata.namespace ?? '', a.metadata.name] as const;
  const kb = [STATUS_KIND_ORDER.indexOf(b.kind), b.metadata.namespace ?? '', b.metadata.name] as const;
  return ka[0] - kb[0] || (ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0) || (ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0);
}

/** Whether the route's rules leave anything to accept: all dropped → Accepted=False with the first rule's reason. */
interface PendingRoute {
  object: AnyRoute;
  route: CompiledRoute;
  routeNamespace: string;
  /** Accepted=False for every parent: no rule is valid. */
  rejectedRules: RouteProblem | undefined;
  parents: { ref: ParentReference; attachment: ParentAttachment }[];
}

function rulesRejection(route: CompiledRoute): RouteProblem | undefined {
  if (route.rules.length === 0 || route.rules.some((rule) => rule.invalid === undefined)) return undefined;
  const first = route.rules[0]?.invalid;
  return first === undefined ? undefined : { reason: first.reason, message: `no valid rule: ${route.rules.map((r) => `rule ${r.index}: ${r.invalid?.message ?? ''}`).join('; ')}` };
}

export function translate(resources: ResourceSet, options: TranslateOptions): TranslateResult {
  const index = indexResources(resources);
  const regex = regexChecker();
  const clock = (meta: { generation?: number }) => ({ now: options.now, generation: meta.generation });
  const statuses: StatusUpdate[] = [];

  // GatewayClasses naming Portico's controller.
  const classes = resources.gatewayClasses.filter((c) => c.spec.controllerName === options.controllerName).map(evaluateGatewayClass);
  const acceptedClasses = new Set(classes.filter(gatewayClassAccepted).map((c) => c.gatewayClass.metadata.name));
  for (const context of classes) {
    const gc: GatewayClass = context.gatewayClass;
    statuses.push({ apiVersion: gc.apiVersion, kind: 'GatewayClass', metadata: { name: gc.metadata.name }, status: buildGatewayClassStatus(context, clock(gc.metadata)) });
  }

  // Gateways of accepted Portico classes.
  const gateways = new Map<string, GatewayContext>();
  for (const gateway of byNamespacedName(resources.gateways)) {
    if (!acceptedClasses.has(gateway.spec.gatewayClassName)) continue;
    const context = evaluateGateway(gateway, index);
    if (!gateways.has(context.irName)) gateways.set(context.irName, context);
  }

  // Routes naming those Gateways, attached per parentRef.
  const attachments = new Map<ListenerContext, Map<string, AttachedRoute>>();
  const routeObjects: AnyRoute[] = [
    ...byNamespacedName(resources.httpRoutes),
    ...byNamespacedName(resources.grpcRoutes),
    ...byNamespacedName(resources.tlsRoutes),
    ...byNamespacedName(resources.tcpRoutes),
    ...byNamespacedName(resources.udpRoutes),
  ];
  // First pass: compile and attach each parentRef on its own.
  const pending: PendingRoute[] = [];
  for (const object of routeObjects) {
    const routeNamespace = namespaceOf(object.metadata);
    const parents = (object.spec.parentRefs ?? []).flatMap((ref) => {
      const gateway = parentGateway(ref, routeNamespace, gateways);
      return gateway === undefined ? [] : [{ ref, gateway }];
    });
    if (parents.length === 0) continue;
    const route = compileRoute(object, index, regex);
    const rejectedRules = rulesRejection(route);
    pending.push({
      object,
      route,
      routeNamespace,
      rejectedRules,
      parents: parents.map(({ ref, gateway }) => ({ ref, attachment: attachToGateway(route.info, ref, gateway) })),
    });
  }

  // Second pass: HTTPRoutes and GRPCRoutes sharing hostnames on a listener (the older wins).
  const candidates: ListenerCandidate[] = [];
  for (const { route, rejectedRules, parents } of pending) {
    if (rejectedRules !== undefined) continue;
    for (const { attachment } of parents) {
      if (attachment.attached) for (const { listener, hostnames } of attachment.listeners) candidates.push({ listener, route, hostnames: new Set(hostnames) });
    }
  }
  const kindRejections = crossKindRejections(candidates);

  // Third pass: record attachments and write route statuses.
  for (const { object, route, routeNamespace, rejectedRules, parents } of pending) {
    const dropped = route.rules.flatMap((rule) => (rule.invalid === undefined ? [] : [{ index: rule.index, problem: rule.invalid }]));
    const results: ParentResult[] = parents.map(({ ref, attachment }) => {
      if (!attachment.attached) return { ref, rejection: { reason: attachment.reason, message: attachment.message }, dropped: [] };
      if (rejectedRules !== undefined) return { ref, rejection: rejectedRules, dropped: [] };
      const kept = attachment.listeners.filter(({ listener }) => !kindRejections.has(`${listener.irName}|${routeKey(route.info)}`));
      if (kept.length === 0) {
        const message = attachment.listeners.map(({ listener }) => kindRejections.get(`${listener.irName}|${routeKey(route.info)}`) ?? '').join('; ');
        return { ref, rejection: { reason: RouteReason.NotAllowedByListeners, message }, dropped: [] };
      }
      for (const { listener, hostnames } of kept) recordAttachment(attachments, listener, route, hostnames);
      return { ref, rejection: undefined, dropped };
    });
    statuses.push({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { namespace: routeNamespace, name: object.metadata.name },
      status: buildRouteStatus(object.status, routeNamespace, results, route.refProblems, options.controllerName, clock(object.metadata)),
    });
  }
  for (const [listener, routes] of attachments) listener.attachedRoutes = routes.size;

  // Gateway statuses (after attachment, for attachedRoutes) and the IR.
  const irGateways: IRGateway[] = [];
  for (const gateway of gateways.values()) {
    statuses.push({
      apiVersion: gateway.gateway.apiVersion,
      kind: 'Gateway',
      metadata: { namespace: gateway.namespace, name: gateway.name },
      status: buildGatewayStatus(gateway, clock(gateway.gateway.metadata)),
    });
    if (gatewayServing(gateway)) irGateways.push(buildGatewayIR(gateway, attachments));
  }

  return { ir: { gateways: irGateways }, statuses: statuses.sort(compareStatuses) };
}

function compileRoute(object: AnyRoute, index: ReturnType<typeof indexResources>, regex: ReturnType<typeof regexChecker>): CompiledRoute {
  switch (object.kind) {
    case 'HTTPRoute':
      return compileHttpRoute(object, index, regex);
    case 'GRPCRoute':
      return compileGrpcRoute(object, index, regex);
    default:
      return compileL4Route(object, index);
  }
}

/** A route attached twice to one listener (two parentRefs) counts once and serves the union of its hostnames. */
function recordAttachment(attachments: Map<ListenerContext, Map<string, AttachedRoute>>, listener: ListenerContext, route: CompiledRoute, hostnames: readonly string[]): void {
  let routes = attachments.get(listener);
  if (routes === undefined) {
    routes = new Map();
    attachments.set(listener, routes);
  }
  const key = routeKey(route.info);
  const existing = routes.get(key);
  routes.set(key, { route, hostnames: new Set([...(existing?.hostnames ?? []), ...hostnames]) });
}

function buildGatewayIR(gateway: GatewayContext, attachments: ReadonlyMap<ListenerContext, ReadonlyMap<string, AttachedRoute>>): IRGateway {
  const byPort = new Map<number, ServedListener[]>();
  for (const listener of gateway.listeners) {
    if (!listenerAccepted(listener) || listener.profile?.family !== 'http' || !listener.profile.served) continue;
    const served: ServedListener = { listener, routes: attachments.get(listener) ?? new Map() };
    const list = byPort.get(listener.port);
    if (list === undefined) byPort.set(listener.port, [served]);
    else list.push(served);
  }
  const ports: IRPort[] = [];
  const backends = new Map<string, IRBackend>();
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const built = buildHttpPort(gateway.irName, port, byPort.get(port) ?? []);
    ports.push(built.port);
    for (const backend of built.backends) if (!backends.has(backend.name)) backends.set(backend.name, backend);
  }
  const sortedBackends: Record<string, IRBackend> = {};
  for (const name of [...backends.keys()].sort()) {
    const backend = backends.get(name);
    if (backend !== undefined) sortedBackends[name] = backend;
  }
  return { name: gateway.irName, namespace: gateway.namespace, gatewayName: gateway.name, ports, backends: sortedBackends };
}
