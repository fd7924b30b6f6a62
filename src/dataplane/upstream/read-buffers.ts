// The memory backend responses are read into, so relaying a body allocates
// nothing per read: no Buffer per read, no copy per body chunk, and no
// external memory for V8 to count (allocating per read of big bodies set off
// a full GC every 64 MiB read).
//
// Each connection reads into a small buffer of its own: a whole ordinary
// response fits in one read. A read that fills it means a big body is coming:
// the next reads land in a big buffer from a free list, given back when the
// response ends. A chunk still
// queued in a client socket after its read keeps its buffer: the connection
// then takes another, and the garbage collector frees the old one once the
// write is done.

/** A connection's own buffer, kept while it is idle: most responses fit. */
export const SMALL_READ_BYTES = 16 * 1024;
/** What the kernel hands over at once for a big body. */
const BIG_READ_BYTES = 64 * 1024;
/** Free big buffers kept (enough for the big bodies in flight at once in a busy process). */
const KEPT_BIG_BUFFERS = 64;

const freeBig: Buffer[] = [];

export function takeBigReadBuffer(): Buffer {
  return freeBig.pop() ?? Buffer.allocUnsafeSlow(BIG_READ_BYTES);
}

export function giveBackBigReadBuffer(buffer: Buffer): void {
  if (freeBig.length < KEPT_BIG_BUFFERS) freeBig.push(buffer);
}
