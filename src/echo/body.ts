// Bodies the echo backend streams: a generated body of a requested size, and
// the digest of a received one. Both respect backpressure and never hold more
// than one chunk in memory.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { BodyDigest } from './describe.ts';

// 64 printable bytes, so the body reads in a terminal and byte i is
// PATTERN[i % 64] whatever the chunking.
const PATTERN = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\n');
const CHUNK = Buffer.concat(Array.from({ length: 1024 }, () => PATTERN));

/** The exact bytes `x-echo-body-size: size` answers with (for tests to compare). */
export function patternBody(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += CHUNK.length) CHUNK.copy(out, offset, 0, Math.min(CHUNK.length, size - offset));
  return out;
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Writes `size` pattern bytes and ends the response; stops early if the peer goes away. */
export async function writePatternBody(response: ServerResponse, size: number): Promise<void> {
  for (let left = size; left > 0 && !response.destroyed; ) {
    const length = Math.min(left, CHUNK.length);
    left -= length;
    if (!response.write(length === CHUNK.length ? CHUNK : CHUNK.subarray(0, length))) await drained(response);
  }
  response.end();
}

/** Reads a body to its end, keeping only its length and SHA-256. */
export async function digestBody(body: Readable): Promise<BodyDigest> {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { length, sha256: hash.digest('hex') };
}
