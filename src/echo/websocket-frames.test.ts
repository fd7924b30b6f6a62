import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, encodeMaskedFrame, FrameError, FrameReader, OPCODE } from './websocket-frames.ts';

const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);

// Payload lengths on each side of the 7-bit, 16-bit and 64-bit length encodings (RFC 6455 §5.2).
for (const length of [0, 1, 125, 126, 65535, 65536, 70000]) {
  test(`a masked ${length}-byte frame reads back as sent`, () => {
    const payload = Buffer.alloc(length, 'x');
    const frames = new FrameReader(1 << 20).push(encodeMaskedFrame(OPCODE.binary, payload, mask));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]?.opcode, OPCODE.binary);
    assert.equal(frames[0]?.fin, true);
    assert.ok(frames[0]?.payload.equals(payload));
  });
}

test('frames split at every byte boundary reassemble, and two frames in one chunk both come out', () => {
  const bytes = Buffer.concat([encodeMaskedFrame(OPCODE.text, Buffer.from('hello'), mask, false), encodeMaskedFrame(OPCODE.continuation, Buffer.from(' world'), mask)]);
  const reader = new FrameReader(1024);
  const frames = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
  assert.deepEqual(
    frames.map((frame) => [frame.opcode, frame.fin, frame.payload.toString()]),
    [[OPCODE.text, false, 'hello'], [OPCODE.continuation, true, ' world']],
  );
  assert.equal(new FrameReader(1024).push(bytes).length, 2);
});

test('server frames are unmasked with the length in the smallest encoding', () => {
  assert.deepEqual([...encodeFrame(OPCODE.text, Buffer.from('hi'))], [0x81, 2, 0x68, 0x69]);
  assert.deepEqual([...encodeFrame(OPCODE.binary, Buffer.alloc(126)).subarray(0, 4)], [0x82, 126, 0, 126]);
  assert.deepEqual([...encodeFrame(OPCODE.binary, Buffer.alloc(65536)).subarray(0, 10)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.equal(encodeFrame(OPCODE.text, Buffer.from('a'), false)[0], 0x01);
});

const bad: [string, Buffer, number][] = [
  ['an unmasked client frame', encodeFrame(OPCODE.text, Buffer.from('x')), 1002],
  ['a reserved bit', Buffer.from([0xc1, 0x80, 0, 0, 0, 0]), 1002],
  ['a fragmented ping', encodeMaskedFrame(OPCODE.ping, Buffer.alloc(0), mask, false), 1002],
  ['a 126-byte ping', encodeMaskedFrame(OPCODE.ping, Buffer.alloc(126), mask), 1002],
  ['a frame over the limit', encodeMaskedFrame(OPCODE.binary, Buffer.alloc(2000), mask), 1009],
  ['a 64-bit length over the limit', Buffer.from([0x82, 0xff, 0, 0, 1, 0, 0, 0, 0, 0]), 1009],
];

for (const [name, bytes, code] of bad) {
  test(`${name} is refused with close code ${code}`, () => {
    assert.throws(() => new FrameReader(1024).push(bytes), (error: unknown) => error instanceof FrameError && error.closeCode === code);
  });
}
