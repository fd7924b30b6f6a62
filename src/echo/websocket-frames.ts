// A small RFC 6455 frame codec: enough for a server that echoes messages back.
// Reading expects masked frames (clients must mask, §5.1); writing sends
// unmasked frames (servers must not mask). No extensions are negotiated, so the
// RSV bits must be zero.

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A violation that ends the connection with this close code (§7.4.1). */
export class FrameError extends Error {
  readonly closeCode: number;
  constructor(closeCode: number, message: string) {
    super(message);
    this.closeCode = closeCode;
  }
}

const PROTOCOL_ERROR = 1002;
const TOO_BIG = 1009;

export function encodeFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([first, payload.length]);
  } else if (payload.length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Encodes a frame as a client would (masked): for tests that speak raw frames. */
export function encodeMaskedFrame(opcode: number, payload: Buffer, mask: Buffer, fin = true): Buffer {
  const plain = encodeFrame(opcode, payload, fin);
  const headerLength = plain.length - payload.length;
  const out = Buffer.alloc(plain.length + 4);
  plain.copy(out, 0, 0, headerLength);
  out[1] = (out[1] as number) | 0x80;
  mask.copy(out, headerLength, 0, 4);
  for (let i = 0; i < payload.length; i++) out[headerLength + 4 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return out;
}

/** Turns a byte stream into frames; keeps partial frames until the rest arrives. */
export class FrameReader {
  readonly #maxPayload: number;
  #buffered: Buffer = Buffer.alloc(0);

  constructor(maxPayload: number) {
    this.#maxPayload = maxPayload;
  }

  /** Adds bytes and returns every frame now complete; throws FrameError on a bad frame. */
  push(chunk: Buffer): Frame[] {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const frames: Frame[] = [];
    for (let frame = this.#next(); frame; frame = this.#next()) frames.push(frame);
    return frames;
  }

  #next(): Frame | undefined {
    const data = this.#buffered;
    if (data.length < 2) return undefined;
    const first = data[0] as number;
    const second = data[1] as number;
    if ((first & 0x70) !== 0) throw new FrameError(PROTOCOL_ERROR, 'reserved bits set without a negotiated extension');
    if ((second & 0x80) === 0) throw new FrameError(PROTOCOL_ERROR, 'client frame is not masked');
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      const long = data.readBigUInt64BE(2);
      if (long > BigInt(this.#maxPayload)) throw new FrameError(TOO_BIG, `frame of ${long} bytes is over the ${this.#maxPayload}-byte limit`);
      length = Number(long);
      offset = 10;
    }
    if (opcode >= 0x8 && (!fin || length > 125)) throw new FrameError(PROTOCOL_ERROR, 'control frames must be whole and at most 125 bytes');
    if (length > this.#maxPayload) throw new FrameError(TOO_BIG, `frame of ${length} bytes is over the ${this.#maxPayload}-byte limit`);
    if (data.length < offset + 4 + length) return undefined;
    const mask = data.subarray(offset, offset + 4);
    const payload = Buffer.from(data.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    this.#buffered = data.subarray(offset + 4 + length);
    return { fin, opcode, payload };
  }
}
