// Forwards one client stream to a StreamTarget: pick a destination, connect
// (bounded by the connect timeout), send what was already read from the client
// (a replayed ClientHello), then relay both ways. Shared by TCP ports, TLS
// passthrough and TLS terminated to TCP.
import type { Socket } from 'node:net';
import type { Logger } from '../../telemetry/log.ts';
import type { Clock } from '../http1/clock.ts';
import type { Closable, ConnectionSet } from './connection-set.ts';
import { Relay } from './relay.ts';
import type { PickFailure, StreamTarget } from './stream-target.ts';
import { connectUpstream } from './upstream-connect.ts';

/** Counters a stream port keeps (for metrics and tests). */
export interface StreamCounters {
  /** Connections forwarded to a backend. */
  forwarded: number;
  /** Connections refused because their share has no valid backend (invalid backendRef, or all weights 0). */
  noBackend: number;
  noEndpoints: number;
  dnsFailed: number;
  /** Connections whose backend could not be reached (refused, reset, timed out). */
  connectFailed: number;
  /** Relays closed by the idle timeout. */
  idleClosed: number;
}

export function newStreamCounters(): StreamCounters {
  return { forwarded: 0, noBackend: 0, noEndpoints: 0, dnsFailed: 0, connectFailed: 0, idleClosed: 0 };
}

export interface ForwardContext {
  clock: Clock;
  logger: Logger;
  connectTimeoutMs: number;
  /** 0: none. */
  idleTimeoutMs: number;
  connections: ConnectionSet<Closable>;
  counters: StreamCounters;
}

const FAILURE_COUNTER: Record<PickFailure, 'noBackend' | 'noEndpoints' | 'dnsFailed'> = {
  no_backend: 'noBackend',
  no_endpoints: 'noEndpoints',
  dns_failed: 'dnsFailed',
};

/**
 * Takes over `client` (a plain or TLS socket, not yet read from or paused)
 * and forwards it to `target`. `head`: bytes already read from the client,
 * sent to the backend before anything else.
 */
export function forward(client: Socket, target: StreamTarget, context: ForwardContext, head?: Buffer): void {
  let upstream: Socket | undefined;
  let clientGone = false;
  // Until the relay starts, the connection is this placeholder.
  const pending: Closable = {
    destroy() {
      client.destroy();
      upstream?.destroy();
    },
  };
  const onClientError = (): void => undefined;
  const onClientClose = (): void => {
    clientGone = true;
    upstream?.destroy();
    context.connections.delete(pending);
  };
  context.connections.add(pending);
  client.on('error', onClientError);
  client.once('close', onClientClose);
  const refuse = (): void => {
    client.removeListener('close', onClientClose);
    context.connections.delete(pending);
    client.destroy();
  };

  target.pick((failure, destination) => {
    if (clientGone) return;
    if (failure !== undefined || destination === undefined) {
      context.counters[FAILURE_COUNTER[failure ?? 'no_backend']]++;
      context.logger.debug({ route: target.route.name, reason: failure }, 'stream refused: no destination');
      refuse();
      return;
    }
    if (destination.tls?.invalid !== undefined) {
      context.counters.connectFailed++;
      context.logger.debug({ route: target.route.name, backend: destination.backend, err: destination.tls.invalid }, 'stream backend TLS settings unusable');
      refuse();
      return;
    }
    upstream = connectUpstream(destination.endpoint, context.connectTimeoutMs, (error, socket) => {
      if (clientGone) return;
      if (error !== undefined) {
        context.counters.connectFailed++;
        context.logger.debug({ route: target.route.name, backend: destination.backend, err: error.message }, 'stream backend unreachable');
        refuse();
        return;
      }
      client.removeListener('error', onClientError);
      client.removeListener('close', onClientClose);
      context.connections.delete(pending);
      context.counters.forwarded++;
      if (head !== undefined && head.length > 0) socket.write(head);
      const relay = new Relay(client, socket, {
        clock: context.clock,
        idleTimeoutMs: context.idleTimeoutMs,
        onClose: (ended) => {
          if (ended.end === 'idle') context.counters.idleClosed++;
          context.connections.delete(ended);
        },
      });
      context.connections.add(relay);
    }, destination.tls);
  });
}
