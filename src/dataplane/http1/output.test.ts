import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Output } from './output.ts';

/** A connected pair: what is written to `writer` is collected from `reader`. */
async function pair(): Promise<{ writer: Socket; received(bytes: number): Promise<Buffer>; close(): void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const writer = connect((server.address() as { port: number }).port, '127.0.0.1');
  const [reader] = (await once(server, 'connection')) as [Socket];
  const chunks: Buffer[] = [];
  let total = 0;
  let wake: (() => void) | undefined;
  reader.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    total += chunk.length;
    wake?.();
  });
  return {
    writer,
    async received(bytes) {
      while (total < bytes) await new Promise<void>((resolve) => (wake = resolve));
      return Buffer.concat(chunks);
    },
    close() {
      writer.destroy();
      reader.destroy();
      server.close();
    },
  };
}

const BIG = Buffer.alloc(40 * 1024, 'b');

describe('Output', () => {
  let sockets: Awaited<ReturnType<typeof pair>>;
  before(async () => {
    sockets = await pair();
  });
  after(() => sockets.close());

  // heldBeforeEnd: nothing was handed to the socket before end() (a corked socket has taken the bytes, so undefined: not checked).
  const cases: Array<{ name: string; run: (output: Output) => void; expected: Buffer; heldBeforeEnd: boolean | undefined }> = [
    {
      name: 'outside a batch: writes at once, in order',
      run: (output) => {
        output.string('head\r\n');
        output.buffer(Buffer.from('body'));
      },
      expected: Buffer.from('head\r\nbody'),
      heldBeforeEnd: false,
    },
    {
      name: 'a batch gathers a head and small chunks until it ends',
      run: (output) => {
        output.begin();
        output.string('caf\xe9\r\n');
        output.buffer(Buffer.from([0xff, 0x00, 0x41]));
        output.string('\r\n');
      },
      expected: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0xff, 0x00, 0x41, 0x0d, 0x0a]),
      heldBeforeEnd: true,
    },
    {
      name: 'a big chunk in a batch goes out after what was gathered, and what follows after it',
      run: (output) => {
        output.begin();
        output.string('head\r\n');
        output.buffer(BIG);
        output.string('tail');
      },
      expected: Buffer.concat([Buffer.from('head\r\n'), BIG, Buffer.from('tail')]),
      heldBeforeEnd: undefined,
    },
    {
      name: 'a batch inside a batch is sent when the outer one ends',
      run: (output) => {
        output.begin();
        output.string('one ');
        output.begin();
        output.string('two ');
        output.end();
        output.string('three');
      },
      expected: Buffer.from('one two three'),
      heldBeforeEnd: true,
    },
  ];

  let sent = 0;
  for (const { name, run, expected, heldBeforeEnd } of cases) {
    it(name, async () => {
      const output = new Output(sockets.writer);
      const before = sockets.writer.bytesWritten;
      run(output);
      if (heldBeforeEnd !== undefined) assert.equal(sockets.writer.bytesWritten === before, heldBeforeEnd);
      assert.equal(output.end(), true);
      const all = await sockets.received(sent + expected.length);
      assert.deepEqual(all.subarray(sent), expected);
      sent += expected.length;
    });
  }

  it('flush sends what is held and the batch goes on', async () => {
    const output = new Output(sockets.writer);
    output.begin();
    output.string('now ');
    output.flush();
    assert.deepEqual((await sockets.received(sent + 4)).subarray(sent), Buffer.from('now '));
    const before = sockets.writer.bytesWritten;
    output.string('later');
    assert.equal(sockets.writer.bytesWritten, before, 'held again');
    output.end();
    assert.deepEqual((await sockets.received(sent + 9)).subarray(sent), Buffer.from('now later'));
    sent += 9;
  });
});
