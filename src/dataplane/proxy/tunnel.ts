// After a 101 Switching Protocols (WebSocket or any other upgrade) the two
// sides are joined byte for byte, with backpressure (pipe) and half-close:
// when one side ends its sending, the other side's sending is ended too, and
// the tunnel is torn down once both directions are done or either side fails.
// The client side is a socket (HTTP/1.1 Upgrade) or an HTTP/2 stream (RFC 8441
// extended CONNECT, where END_STREAM is the half-close); so is the backend side
// (a socket, or an h2c backend's extended CONNECT stream).
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface TunnelEnd {
  socket: Duplex;
  /** Bytes already read from this side that belong to the tunnel. */
  head: Buffer;
  /** Tears this side down when the tunnel closes (default: destroy the socket); an HTTP/2 stream is reset instead. */
  abort?(): void;
}

/** The backend side reads into memory of its own (upstream/read-buffers.ts), so it relays rather than pipes. */
export interface BackendTunnelEnd extends TunnelEnd {
  /** Sends what the backend sends to `destination`, with backpressure, and ends it when the backend ends. */
  relayTo(destination: Duplex): void;
}

/** Joins the sockets; returns a function that tears the tunnel down. */
export function openTunnel(client: TunnelEnd, backend: BackendTunnelEnd): () => void {
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    if (client.abort !== undefined) client.abort();
    else client.socket.destroy();
    if (backend.abort !== undefined) backend.abort();
    else backend.socket.destroy();
  };
  for (const socket of [client.socket, backend.socket]) {
    socket.on('error', close);
    socket.on('close', close);
    if (socket instanceof Socket) socket.setTimeout(0);
  }
  if (backend.head.length > 0) client.socket.write(backend.head);
  if (client.head.length > 0) backend.socket.write(client.head);
  client.socket.pipe(backend.socket);
  backend.relayTo(client.socket);
  client.socket.resume();
  return close;
}
