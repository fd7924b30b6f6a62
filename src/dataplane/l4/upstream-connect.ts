// Opens the TCP connection to a stream's backend endpoint, bounded by a
// connect timeout. Half-open is allowed, so the relay can carry a FIN in one
// direction while the other keeps flowing.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { IREndpoint } from '../../ir/types.ts';
import type { UpstreamTls } from '../upstream/tls-dialer.ts';

export class ConnectTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(endpoint: IREndpoint, timeoutMs: number) {
    super(`connect to ${endpoint.address}:${endpoint.port} timed out after ${timeoutMs} ms`);
  }
}

/**
 * Connects to `endpoint`; `done` is called once, with the connected socket or
 * the reason it failed (the socket is destroyed then). Returns the socket so
 * the caller can abandon the attempt (destroy it) if its client goes away.
 * With `tls` (usable settings) the connection is TLS, established once the
 * backend is verified; ALPN is not offered (the stream is not HTTP to us).
 */
export function connectUpstream(endpoint: IREndpoint, timeoutMs: number, done: (error: Error | undefined, socket: Socket) => void, tls?: UpstreamTls): Socket {
  const options = { host: endpoint.address, port: endpoint.port, allowHalfOpen: true, noDelay: true };
  const socket = tls === undefined ? connect(options) : tls.dial(options, []);
  const ready = tls === undefined ? 'connect' : 'secureConnect';
  let settled = false;
  const settle = (error: Error | undefined): void => {
    if (settled) return;
    settled = true;
    socket.setTimeout(0);
    socket.removeListener('timeout', onTimeout);
    socket.removeListener(ready, onConnect);
    socket.removeListener('error', onError);
    socket.removeListener('close', onClose);
    if (error !== undefined) socket.destroy();
    done(error, socket);
  };
  const onConnect = (): void => settle(undefined);
  const onError = (error: Error): void => settle(error);
  const onTimeout = (): void => settle(new ConnectTimeoutError(endpoint, timeoutMs));
  const onClose = (): void => settle(new Error(`connection to ${endpoint.address}:${endpoint.port} closed before it was established`));
  // The socket's inactivity timeout runs while connecting: no timer of our own.
  socket.setTimeout(timeoutMs, onTimeout);
  socket.once(ready, onConnect);
  socket.once('error', onError);
  socket.once('close', onClose);
  return socket;
}
