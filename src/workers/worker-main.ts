// A worker process: one DataPlane sharing the listener ports with its sibling
// workers (SO_REUSEPORT), driven by the primary over IPC. It serves whatever
// IR the primary last applied, answers metric scrapes, and drains on `stop`.
// It also drains and exits by itself on SIGTERM/SIGINT (Ctrl-C reaches the
// whole process group) and when the primary vanishes, so no request in flight
// is cut off and no worker outlives its primary.
import { Http2FrontEnd } from '../dataplane/http2/engine.ts';
import { DataPlane } from '../dataplane/runtime.ts';
import { createAccessLog } from '../telemetry/access-log.ts';
import { createLogger } from '../telemetry/log.ts';
import { requestHook } from '../telemetry/request-hook.ts';
import { RequestMetrics } from '../telemetry/request-metrics.ts';
import { IRDecoder } from './ir-delta.ts';
import type { WorkerCall, WorkerMessage, WorkerResults, WorkerSettings } from './protocol.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const logger = createLogger().child({ worker: settings.index });

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected || process.send === undefined) {
    then?.();
    return;
  }
  process.send(message, undefined, {}, () => then?.());
}

process.on('uncaughtException', (error) => {
  logger.error({ err: error.stack ?? error.message }, 'worker failed');
  send({ event: 'fatal', error: error.message }, () => process.exit(1));
});

const metrics = settings.metrics ? new RequestMetrics({ routeLabels: settings.routeMetrics }) : undefined;
const accessLog = settings.accessLog ? createAccessLog() : undefined;
const dataPlane = new DataPlane({
  bindAddress: settings.bindAddress,
  logger: logger.child({ component: 'dataplane' }),
  reusePort: true,
  http2: new Http2FrontEnd(),
  onRequestComplete: requestHook(metrics, accessLog),
});

let stopping: Promise<void> | undefined;
function stop(drainTimeoutMs: number): Promise<void> {
  stopping ??= dataPlane.close({ drainTimeoutMs }).then(() => {
    accessLog?.flush();
    logger.info({ pid: process.pid }, 'worker stopped');
  });
  return stopping;
}

const decoder = new IRDecoder();

async function answer(message: WorkerCall): Promise<WorkerResults[keyof WorkerResults]> {
  switch (message.call) {
    case 'apply': {
      // Decoded whole before anything changes; the parts become the base of the next delta only once applied.
      const decoded = decoder.decode(message.delivery);
      await dataPlane.apply(decoded.ir);
      decoder.commit(decoded);
      metrics?.configure(decoded.ir);
      return { listening: dataPlane.listening() };
    }
    case 'metrics':
      return metrics?.collect(message.full);
    case 'ticketSecret':
      dataPlane.setTicketSecret(Buffer.from(message.secret, 'base64'));
      return undefined;
    case 'connections':
      return dataPlane.stats().map(({ port, kind, connections }) => ({ port, kind, connections }));
    case 'stop':
      await stop(message.drainTimeoutMs);
      return metrics?.collect(true);
  }
}

process.on('message', (message: WorkerCall) => {
  answer(message).then(
    (value) => send({ id: message.id, ok: true, value }, message.call === 'stop' ? () => process.exit(0) : undefined),
    (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});

const stopAlone = (): void => {
  void stop(settings.drainTimeoutMs).then(() => process.exit(0));
};
process.on('SIGTERM', stopAlone);
process.on('SIGINT', stopAlone);
process.on('disconnect', stopAlone);

send({ event: 'started' });
