// What the primary and its worker processes say to each other over the IPC
// channel (child_process.fork, JSON serialisation: measured faster than
// 'advanced' for the IR, which is plain JSON data by contract: 17 ms against
// 28 ms for a 5,000-route IR, 160 ms against 300 ms for 40,000 routes). An
// IR goes as a delta against the one the worker serves (ir-delta.ts).
//
// The primary makes calls (each with an id the answer repeats); a worker also
// announces, unasked, that it has started or that it cannot go on.
import type { MetricsUpdate } from '../telemetry/request-metrics.ts';
import type { IRDelivery } from './ir-delta.ts';

/** How a worker is set up; passed as its one command-line argument (JSON). */
export interface WorkerSettings {
  /** The worker's slot, 0..N-1 (a restarted worker keeps its slot). */
  index: number;
  bindAddress: string;
  /** Record request metrics (only when someone can scrape them). */
  metrics: boolean;
  /** Add route labels to the request metrics. */
  routeMetrics: boolean;
  accessLog: boolean;
  /** Drain timeout when the worker stops on its own (signal, or the primary vanished). */
  drainTimeoutMs: number;
}

export type WorkerCall =
  | { id: number; call: 'apply'; delivery: IRDelivery }
  /** `full`: every series, else those changed since the last call. */
  | { id: number; call: 'metrics'; full: boolean }
  /** Open client connections per listening port. */
  | { id: number; call: 'connections' }
  /**
   * The TLS session ticket secret (base64), the same for every worker, sent
   * before the first configuration and at each rotation; over the channel,
   * not the command line, where other users of the machine could read it.
   */
  | { id: number; call: 'ticketSecret'; secret: string }
  | { id: number; call: 'stop'; drainTimeoutMs: number };

/** Open client connections on one listening port of one kind (UDP: live sessions). */
export interface PortConnections {
  port: number;
  kind: string;
  connections: number;
}

export interface ListeningAddress {
  port: number;
  address: string;
}

/** The value each call answers with. */
export interface WorkerResults {
  apply: { listening: ListeningAddress[] };
  metrics: MetricsUpdate | undefined;
  connections: PortConnections[];
  ticketSecret: undefined;
  /** All counts at the end, so the primary's totals lose nothing. */
  stop: MetricsUpdate | undefined;
}

export type WorkerMessage =
  | { event: 'started' }
  | { event: 'fatal'; error: string }
  | { id: number; ok: true; value: WorkerResults[keyof WorkerResults] }
  | { id: number; ok: false; error: string };
