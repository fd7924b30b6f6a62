// Access logs: one JSON line per finished request on stdout (pino), with the
// data plane's RequestLogInfo fields, an ISO timestamp and "log":"access". Off unless asked for
// (`--access-log`): then nothing is allocated or written for it per request.
//
// Every worker process writes to the same stdout. Writes are asynchronous and
// batched, but each write holds whole lines and at most PIPE_BUF (4,096) bytes,
// which the kernel never interleaves with another process's write to a pipe.
import { pino } from 'pino';
import type { RequestLogInfo } from '../dataplane/runtime.ts';

const PIPE_BUF = 4096;

export interface AccessLog {
  write(info: RequestLogInfo): void;
  /** Writes out what is buffered (before the process exits). */
  flush(): void;
}

export function createAccessLog(options: { fd?: number } = {}): AccessLog {
  const destination = pino.destination({ fd: options.fd ?? 1, sync: false, minLength: 0, maxWrite: PIPE_BUF });
  const logger = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // In place of a level (always the same here): what tells these lines
      // apart from the other logs on stdout.
      formatters: { level: () => ({ log: 'access' }) },
    },
    destination,
  );
  return {
    write: (info) => logger.info(info),
    flush: () => destination.flushSync(),
  };
}
