// The one place that reaches into net.Socket's internals: the libuv stream
// handle behind it (`socket._handle`). Node's own HTTP server uses the same
// handle the same way: llhttp consumes it, and reading is stopped and started
// on the handle directly, since the socket's stream layer no longer sees the
// bytes (socket.pause() would not stop anything).
import type { Socket } from 'node:net';

interface StreamHandle {
  /** Node's own flag: net.Socket starts reading again when asked for data and this is false. */
  reading: boolean;
  readStart(): number;
  readStop(): number;
  isStreamBase?: boolean;
}

/** The socket's stream handle, when it has one that llhttp can read (TCP, and TLS). */
export function streamHandle(socket: Socket): StreamHandle | undefined {
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  return handle?.isStreamBase === true ? handle : undefined;
}

export function stopReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  if (handle === null || !handle.reading) return;
  handle.reading = false;
  handle.readStop();
}

export function startReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  if (handle === null || handle.reading || socket.destroyed) return;
  handle.reading = true;
  handle.readStart();
}

