// One Gateway of an accepted Portico class: its listeners, whether it is
// Accepted and Programmed, and the addresses its status reports.
//
// Addresses: Portico serves each Gateway on the addresses its provider binds
// (file mode: --bind-address; a cluster: the data plane's Service), so it
// honours IPAddress requests and reports them in status.addresses; Hostname
// and implementation-specific types are UnsupportedAddress. An IPAddress
// request without a value asks Portico to pick one, which translate cannot
// (AddressNotAssigned). Without spec.addresses, status.addresses stays empty
// and the provider may fill it in.
import type { Gateway, GatewayStatusAddress, ListenerSet } from '../model/gatewayapi.ts';
import { addressType, namespaceOf } from './defaults.ts';
import { markConflicts } from './conflicts.ts';
import type { ListenerContext, ListenerProblem } from './listener.ts';
import { evaluateListener, listenerAccepted } from './listener.ts';
import type { ListenerSetContext } from './listenerset.ts';
import { evaluateListenerSets } from './listenerset.ts';
import type { ResourceIndex } from './resource-index.ts';
import { GatewayReason } from './status/reasons.ts';

export interface GatewayContext {
  gateway: Gateway;
  namespace: string;
  name: string;
  /** "gateway/<namespace>/<name>" */
  irName: string;
  /** Its own listeners (spec.listeners): what a route naming the Gateway attaches to (GEP-1713). */
  listeners: ListenerContext[];
  /** The ListenerSets naming it, in precedence order, taken or not. */
  listenerSets: ListenerSetContext[];
  /** Its own listeners, then those of the ListenerSets it takes: what it serves. */
  allListeners: ListenerContext[];
  /** Accepted=False and why; undefined when accepted. */
  rejection: ListenerProblem | undefined;
  /** Programmed=False for a reason other than not being accepted. */
  notProgrammed: ListenerProblem | undefined;
  statusAddresses: GatewayStatusAddress[];
}

/** `listenerSets`: those naming the Gateway, in precedence order; `index` answers namespace labels for allowedListeners. */
export function evaluateGateway(gateway: Gateway, listenerSets: readonly ListenerSet[] = [], index?: ResourceIndex): GatewayContext {
  const namespace = namespaceOf(gateway.metadata);
  const name = gateway.metadata.name;
  const listeners = gateway.spec.listeners.map((listener) => evaluateListener(listener, namespace, name));
  markConflicts(listeners);
  const sets = listenerSets.length === 0 || index === undefined ? [] : evaluateListenerSets(gateway, namespace, listeners, listenerSets, index);
  const merged = sets.some((set) => set.listeners.length > 0) ? [...listeners, ...sets.flatMap((set) => set.listeners)] : listeners;

  const context: GatewayContext = {
    gateway,
    namespace,
    name,
    irName: `gateway/${namespace}/${name}`,
    listeners,
    listenerSets: sets,
    allListeners: merged,
    rejection: undefined,
    notProgrammed: undefined,
    statusAddresses: [],
  };

  const notAccepted = listeners.filter((l) => !listenerAccepted(l)).map((l) => l.name);

  const parametersRef = gateway.spec.infrastructure?.parametersRef;
  const unsupportedAddress = (gateway.spec.addresses ?? []).find((a) => addressType(a) !== 'IPAddress');
  if (parametersRef !== undefined) {
    context.rejection = {
      reason: GatewayReason.InvalidParameters,
      message: `infrastructure.parametersRef ${parametersRef.group === '' ? 'core' : parametersRef.group}/${parametersRef.kind} ${parametersRef.name}: Portico has no Gateway parameters kinds`,
    };
  } else if (unsupportedAddress !== undefined) {
    context.rejection = {
      reason: GatewayReason.UnsupportedAddress,
      message: `address type ${addressType(unsupportedAddress)} is not supported: Portico serves Gateways on IP addresses (type IPAddress)`,
    };
  } else if (listeners.length === 0) {
    context.rejection = { reason: GatewayReason.Invalid, message: 'the Gateway has no listeners' };
  } else if (notAccepted.length === listeners.length) {
    context.rejection = { reason: GatewayReason.ListenersNotValid, message: `no listener is accepted (${notAccepted.join(', ')})` };
  }

  for (const address of gateway.spec.addresses ?? []) {
    if (addressType(address) !== 'IPAddress') continue;
    if (address.value === undefined || address.value === '') {
      context.notProgrammed ??= {
        reason: GatewayReason.AddressNotAssigned,
        message: 'an IPAddress without a value asks Portico to assign one, which it cannot: give the address to serve on',
      };
    } else {
      context.statusAddresses.push({ type: 'IPAddress', value: address.value });
    }
  }
  return context;
}

/** Accepted and programmed: its listeners go into the IR. */
export function gatewayServing(context: GatewayContext): boolean {
  return context.rejection === undefined && context.notProgrammed === undefined;
}
