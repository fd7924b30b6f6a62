// What the control side needs from whatever serves the traffic: the data plane
// in this process (one worker) or a pool of worker processes.
import type { IR } from '../ir/types.ts';
import type { RequestMetricsSnapshot } from '../telemetry/request-metrics.ts';
import type { ListeningAddress, PortConnections } from './protocol.ts';
import type { SlotState } from './slot.ts';

export interface WorkerStatus {
  index: number;
  pid: number | undefined;
  state: SlotState;
  restarts: number;
  /** Requests this worker position has answered, across restarts. */
  requests: number;
}

export interface Serving {
  /** Serves `ir` everywhere, atomically per process; rejects (changing nothing) if any process refuses it. */
  apply(ir: IR): Promise<void>;
  /** Every process serves the configuration last applied. */
  ready(): boolean;
  listening(): ListeningAddress[];
  /** Each process's request counts (empty when metrics are off). */
  telemetry(): Promise<RequestMetricsSnapshot[]>;
  /** Open client connections per port and kind, over every process (empty when metrics are off). */
  connections(): Promise<PortConnections[]>;
  /** The worker processes (empty when serving in this process). */
  workers(): WorkerStatus[];
  /** Stops accepting, lets requests in flight finish (up to the drain timeout), then stops. */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}
