// ClientHello bytes for tests: real ones captured from Node's TLS client, and
// hand-made ones (with any extension, framed in any records) for the cases a
// real client never sends.
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';

/** The first TLS record(s) Node's client sends with `options`, up to the end of its ClientHello. */
export async function captureClientHello(options: ConnectionOptions): Promise<Buffer> {
  const server = createServer();
  const captured = new Promise<Buffer>((resolve, reject) => {
    server.once('connection', (socket: Socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        // Node sends its hello in one record: header (5) + length.
        if (bytes.length >= 5 && bytes.length >= 5 + bytes.readUInt16BE(3)) {
          socket.destroy();
          resolve(bytes);
        }
      });
      socket.on('error', reject);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false, ...options });
  client.on('error', () => undefined);
  try {
    return await captured;
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

/** A length-prefixed vector (RFC 8446 §3.4) with a 1- or 2-byte length. */
export function vector(body: Buffer, lengthBytes: 1 | 2): Buffer {
  return Buffer.concat([lengthBytes === 1 ? Buffer.from([body.length]) : u16(body.length), body]);
}

export function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(data.length), data]);
}

export function serverNameExtension(...names: Array<string | Buffer>): Buffer {
  const entries = names.map((name) => Buffer.concat([Buffer.from([0]), vector(Buffer.isBuffer(name) ? name : Buffer.from(name, 'latin1'), 2)]));
  return extension(0, vector(Buffer.concat(entries), 2));
}

export function alpnExtension(...protocols: string[]): Buffer {
  return extension(16, vector(Buffer.concat(protocols.map((protocol) => vector(Buffer.from(protocol, 'latin1'), 1))), 2));
}

export interface HelloParts {
  sessionId?: Buffer;
  cipherSuites?: Buffer;
  compression?: Buffer;
  /** Extension blocks in order; undefined: no extensions field at all. */
  extensions?: Buffer[];
  /** Overrides the extensions field's length. */
  extensionsLength?: number;
}

/** A ClientHello handshake message (type 1, 24-bit length, body). */
export function clientHelloMessage(parts: HelloParts = {}): Buffer {
  const body = [
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    vector(parts.sessionId ?? Buffer.alloc(0), 1),
    vector(parts.cipherSuites ?? Buffer.from([0x13, 0x01, 0xc0, 0x2b]), 2),
    vector(parts.compression ?? Buffer.from([0]), 1),
  ];
  if (parts.extensions !== undefined) {
    const extensions = Buffer.concat(parts.extensions);
    body.push(u16(parts.extensionsLength ?? extensions.length), extensions);
  }
  const joined = Buffer.concat(body);
  return Buffer.concat([Buffer.from([1, joined.length >> 16, (joined.length >> 8) & 0xff, joined.length & 0xff]), joined]);
}

/** Frames a handshake message in TLS records of at most `fragment` bytes each. */
export function inRecords(message: Buffer, fragment = 16_384, contentType = 0x16): Buffer {
  const records: Buffer[] = [];
  for (let at = 0; at < message.length; at += fragment) {
    const piece = message.subarray(at, Math.min(message.length, at + fragment));
    records.push(Buffer.from([contentType, 3, 1, piece.length >> 8, piece.length & 0xff]), piece);
  }
  return Buffer.concat(records);
}

/** The handshake message inside a captured single-record hello. */
export function messageOf(record: Buffer): Buffer {
  return record.subarray(5, 5 + record.readUInt16BE(3));
}

export { seededRandom } from '../../src/lib/seeded-random.ts';
