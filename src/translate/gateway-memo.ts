// Gateways judged once per Gateway object: while a Gateway is the same object,
// its context (listeners, conflicts, acceptance) is the one worked out before,
// so the routes attached to its listeners can keep their attachments too
// (route-memo.ts compares the contexts by identity). Reading nothing from the
// index, a Gateway's context depends on the Gateway object alone.
import type { Gateway } from '../model/gatewayapi.ts';
import { namespaceOf } from './defaults.ts';
import type { GatewayContext } from './gateway.ts';
import { evaluateGateway } from './gateway.ts';

interface Entry {
  spec: object;
  metadata: object;
  context: GatewayContext;
}

export class GatewayMemo {
  #entries = new Map<string, Entry>();

  /**
   * Contexts by irName, from Gateways in the order given (the first of a name
   * wins); `unchanged` when they are the same contexts as last time.
   */
  evaluate(gateways: readonly Gateway[]): { contexts: Map<string, GatewayContext>; unchanged: boolean } {
    const contexts = new Map<string, GatewayContext>();
    const next = new Map<string, Entry>();
    let unchanged = true;
    for (const gateway of gateways) {
      const irName = `gateway/${namespaceOf(gateway.metadata)}/${gateway.metadata.name}`;
      if (contexts.has(irName)) continue;
      const entry = this.#entries.get(irName);
      let context: GatewayContext;
      if (entry !== undefined && entry.spec === gateway.spec && entry.metadata === gateway.metadata) {
        context = entry.context;
        // The same Gateway, perhaps with the status written last time (read as the previous status).
        context.gateway = gateway;
      } else {
        context = evaluateGateway(gateway);
        unchanged = false;
      }
      contexts.set(irName, context);
      next.set(irName, { spec: gateway.spec, metadata: gateway.metadata, context });
    }
    if (next.size !== this.#entries.size) unchanged = false;
    this.#entries = next;
    return { contexts, unchanged };
  }
}
