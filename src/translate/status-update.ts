// The status Portico writes for one object, how the list of them is ordered,
// and how an unchanged status keeps being the same object from one snapshot
// to the next (so providers and the control loop see what changed by
// identity, and write nothing for the rest).

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

const KIND_RANK: ReadonlyMap<string, number> = new Map(['GatewayClass', 'Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'].map((kind, i) => [kind, i]));

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Kind (in the order above), then namespace, then name. */
export function compareStatuses(a: StatusUpdate, b: StatusUpdate): number {
  return (
    (KIND_RANK.get(a.kind) ?? -1) - (KIND_RANK.get(b.kind) ?? -1) ||
    compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareText(a.metadata.name, b.metadata.name)
  );
}

/** Same content, as it would be written. */
export function sameStatusUpdate(a: StatusUpdate, b: StatusUpdate): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Hands back last snapshot's update for an object when the new one has the same content. */
export class StatusInterner {
  #previous = new Map<string, StatusUpdate>();
  #next = new Map<string, StatusUpdate>();

  begin(): void {
    this.#next = new Map();
  }

  finish(): void {
    this.#previous = this.#next;
  }

  /** Carries an update kept from the last run (already interned then) over to the next, without a look at it. */
  keep(update: StatusUpdate): void {
    this.#next.set(`${update.kind}/${update.metadata.namespace ?? ''}/${update.metadata.name}`, update);
  }

  intern(update: StatusUpdate): StatusUpdate {
    const key = `${update.kind}/${update.metadata.namespace ?? ''}/${update.metadata.name}`;
    const previous = this.#previous.get(key);
    const result = previous !== undefined && sameStatusUpdate(previous, update) ? previous : update;
    this.#next.set(key, result);
    return result;
  }
}
