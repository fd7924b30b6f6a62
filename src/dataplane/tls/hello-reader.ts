// Reads a connection's ClientHello without losing a byte: what arrives is kept
// and handed back with the parsed hello, so the caller can replay it to a
// backend (passthrough) or put it back into the socket before a TLS library
// takes over (socket.unshift, then terminate). Bounded in size and in time.
import type { Socket } from 'node:net';
import { parseClientHello } from './client-hello.ts';
import type { ClientHello } from './client-hello.ts';

export interface HelloLimits {
  /** Bytes the hello may take, record headers included (default 16 KiB). */
  maxBytes: number;
  /** Time from the first call until the whole hello has arrived (default 10 s). */
  timeoutMs: number;
}

export const DEFAULT_HELLO_LIMITS: HelloLimits = { maxBytes: 16_384, timeoutMs: 10_000 };

export type HelloRejection = 'not-tls' | 'malformed' | 'too-large' | 'timeout' | 'closed';

export type HelloOutcome =
  /** `bytes`: everything read so far, the hello and whatever followed it. The socket is paused. */
  | { kind: 'hello'; hello: ClientHello; bytes: Buffer }
  /** No usable hello: the caller closes the connection. `detail` says what was malformed. */
  | { kind: 'rejected'; reason: HelloRejection; detail?: string };

/**
 * Reads from `socket` until its ClientHello is complete or cannot be, then
 * calls `done` exactly once, with the socket paused and the reader's
 * listeners removed. Never throws; never closes the socket.
 */
export function readClientHello(socket: Socket, limits: HelloLimits, done: (outcome: HelloOutcome) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;

  const finish = (outcome: HelloOutcome): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.pause();
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.removeListener('close', onEnd);
    socket.removeListener('error', onError);
    done(outcome);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    received += chunk.length;
    const bytes = chunks.length === 1 ? chunk : Buffer.concat(chunks, received);
    if (chunks.length > 1) {
      chunks.length = 0;
      chunks.push(bytes);
    }
    const parsed = parseClientHello(bytes, limits.maxBytes);
    switch (parsed.status) {
      case 'incomplete':
        if (received >= limits.maxBytes) finish({ kind: 'rejected', reason: 'too-large' });
        return;
      case 'hello':
        finish({ kind: 'hello', hello: parsed.hello, bytes });
        return;
      case 'malformed':
        finish({ kind: 'rejected', reason: 'malformed', detail: parsed.reason });
        return;
      default:
        finish({ kind: 'rejected', reason: parsed.status });
    }
  };
  const onEnd = (): void => finish({ kind: 'rejected', reason: 'closed' });
  // The error itself is the client's business; the outcome is that the hello never came.
  const onError = (): void => finish({ kind: 'rejected', reason: 'closed' });

  const timer = setTimeout(() => finish({ kind: 'rejected', reason: 'timeout' }), limits.timeoutMs);
  timer.unref();
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  socket.on('error', onError);
  socket.resume();
}
