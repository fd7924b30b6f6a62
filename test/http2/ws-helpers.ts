// WebSocket over HTTP/2 in tests: an extended CONNECT stream (RFC 8441) from
// a node:http2 client, with what it received, and a raw HTTP/1.1 backend that
// answers any Upgrade with a correct 101 and then speaks a small line protocol.
import { once } from 'node:events';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { acceptKey } from '../../src/echo/websocket.ts';

export interface WsStream {
  stream: ClientHttp2Stream;
  /** The response head (status 0 when the stream was reset before one). */
  response: Promise<{ status: number; headers: IncomingHttpHeaders }>;
  /** Everything received on the stream so far (latin1). */
  received(): string;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Resolves with the RST_STREAM code (0 when the stream ended cleanly both ways). */
  closed: Promise<number>;
}

/** Opens `:method CONNECT, :protocol websocket` on `path` (the session must have seen the server's SETTINGS). */
export function openWebSocket(session: ClientHttp2Session, path: string, headers: OutgoingHttpHeaders = {}): WsStream {
  const stream = session.request({
    ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'http', ':path': path, ':authority': 'example.com',
    'sec-websocket-version': '13', ...headers,
  });
  stream.on('error', () => {});
  let text = '';
  const waiters = new Set<() => void>();
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => stream.once('close', () => {
    for (const wake of waiters) wake();
    resolve(stream.rstCode ?? 0);
  }));
  const response = new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve) => {
    stream.once('response', (h: IncomingHttpHeaders) => resolve({ status: Number(h[':status']), headers: h }));
    stream.once('close', () => resolve({ status: 0, headers: {} }));
  });
  return {
    stream, response, closed,
    received: () => text,
    waitFor(pattern, timeoutMs = 5000) {
      const seen = (): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      if (seen()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)}; received ${JSON.stringify(text)}`));
        }, timeoutMs);
        const check = (): void => {
          if (!seen() && !stream.closed) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (seen()) resolve();
          else reject(new Error(`stream closed waiting for ${String(pattern)}; received ${JSON.stringify(text)}`));
        };
        waiters.add(check);
      });
    },
  };
}

export interface LineBackend {
  port: number;
  /** Request heads received, in order. */
  heads: string[];
  /** The backend side of each upgraded connection, in order. */
  sockets: Socket[];
  close(): void;
}

/**
 * Answers an Upgrade with a 101 (accept key computed from the request's key,
 * or `badAccept`), then: "ping" → "pong", "quit" → ends its side, and the
 * client's end → "bye" and end. `refuse` answers with that HTTP response
 * instead of 101.
 */
export async function startLineBackend(options: { refuse?: string; badAccept?: boolean } = {}): Promise<LineBackend> {
  const heads: string[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    let head = '';
    let upgraded = false;
    socket.on('data', (data: Buffer) => {
      if (upgraded) {
        const text = data.toString();
        if (text.includes('ping')) socket.write('pong');
        if (text.includes('quit')) socket.end();
        return;
      }
      head += data.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      heads.push(head.slice(0, end));
      if (options.refuse !== undefined) {
        socket.end(options.refuse);
        return;
      }
      upgraded = true;
      const key = /\r\nsec-websocket-key: *([^\r]*)/i.exec(head)?.[1] ?? '';
      const accept = options.badAccept === true ? acceptKey('someone else') : acceptKey(key);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nx-from: line\r\n\r\nwelcome`);
    });
    socket.on('end', () => {
      if (socket.writable) socket.end('bye');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    heads,
    sockets,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
