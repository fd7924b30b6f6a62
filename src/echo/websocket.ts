// WebSocket echo: completes the RFC 6455 opening handshake on an upgraded
// connection and sends every message back as it arrived (same opcode, same
// fragmentation), answers pings, and returns the peer's close.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameError, FrameReader, OPCODE } from './websocket-frames.ts';
import type { Frame } from './websocket-frames.ts';

// §1.3: the server proves it read the key by hashing it with this fixed GUID.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

export function isWebSocketUpgrade(request: IncomingMessage): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

function refuse(socket: Duplex, reason: string): void {
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\nConnection: close\r\n\r\n${reason}`);
}

/** Handshakes and echoes until either side closes. `head` is what arrived after the request head. */
export function acceptWebSocket(request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const key = request.headers['sec-websocket-key'];
  if (request.method !== 'GET' || request.headers['sec-websocket-version'] !== '13' || !key || Buffer.from(key, 'base64').length !== 16) {
    refuse(socket, 'a WebSocket upgrade needs GET, Sec-WebSocket-Version: 13 and a 16-byte Sec-WebSocket-Key\n');
    return;
  }
  // A client that offers subprotocols fails the connection unless one is chosen (§4.1): take its first.
  const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`,
  );

  const reader = new FrameReader(MAX_FRAME_PAYLOAD);
  let closing = false;
  const send = (frame: Buffer): void => {
    // Backpressure: stop reading while the peer is not taking our echoes.
    if (!socket.write(frame)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  const close = (code: number): void => {
    if (closing) return;
    closing = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    socket.end(encodeFrame(OPCODE.close, payload));
  };
  const handle = (frame: Frame): void => {
    switch (frame.opcode) {
      case OPCODE.continuation:
      case OPCODE.text:
      case OPCODE.binary:
        send(encodeFrame(frame.opcode, frame.payload, frame.fin));
        return;
      case OPCODE.ping:
        send(encodeFrame(OPCODE.pong, frame.payload));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close:
        // Echo the peer's status code back (§5.5.1); 1000 when it gave none.
        close(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1000);
        return;
      default:
        throw new FrameError(1002, `unknown opcode ${frame.opcode}`);
    }
  };
  const receive = (chunk: Buffer): void => {
    if (closing) return;
    try {
      for (const frame of reader.push(chunk)) {
        if (closing) break;
        handle(frame);
      }
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      close(error.closeCode);
    }
  };
  socket.on('data', receive);
  socket.on('error', () => socket.destroy());
  if (head.length > 0) receive(head);
}
