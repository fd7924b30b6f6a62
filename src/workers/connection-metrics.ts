// The open-connections gauge: client connections open now on each listening
// port (UDP: live sessions), summed over every worker, labelled with the port,
// what it speaks (http, tls, tcp, udp) and the Gateways it serves (from the
// IR: "namespace/name", several joined by "," when Gateways share the port).
// One series per listening port, so the count stays bounded however many
// routes there are.
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { IR } from '../ir/types.ts';
import type { PortConnections } from './protocol.ts';

/** Gateways by port number, as the IR has them. */
export function gatewaysByPort(ir: IR | undefined): Map<number, string> {
  const names = new Map<number, string[]>();
  for (const gateway of ir?.gateways ?? []) {
    for (const port of gateway.ports) {
      const list = names.get(port.port) ?? [];
      const name = `${gateway.namespace}/${gateway.gatewayName}`;
      if (!list.includes(name)) list.push(name);
      names.set(port.port, list);
    }
  }
  return new Map([...names].map(([port, list]) => [port, list.sort().join(',')]));
}

export function registerConnectionMetrics(registry: Registry, connections: () => Promise<PortConnections[]>, ir: () => IR | undefined): void {
  new Gauge({
    name: 'portico_connections_active',
    help: 'Client connections open now, per listening port (UDP: live sessions), over every worker.',
    labelNames: ['gateway', 'port', 'kind'],
    registers: [registry],
    async collect() {
      const counts = await connections();
      const gateways = gatewaysByPort(ir());
      this.reset();
      for (const { port, kind, connections: open } of counts) this.set({ gateway: gateways.get(port) ?? '', port, kind }, open);
    },
  });
}
