// Backend responses are read into reused memory and relayed without copies.
// A slow client keeps the memory its pending chunks live in; no other read may
// land there. Bodies with distinct bytes go to slow and fast clients at once,
// over the same backend, and every byte must arrive as sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, get, rawSocket, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

const CHUNK = 64 * 1024;
const BIG_CHUNKS = 256; // 16 MiB: more than loopback socket buffers hold, so writes to a slow client queue

/** Chunk `index` of body `seed`: bytes that differ per body and per chunk. */
function chunkOf(seed: number, index: number): Buffer {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let x = (seed * 7919 + index * 104729) >>> 0;
  for (let i = 0; i < CHUNK; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    chunk.writeUInt32LE(x, i);
  }
  return chunk;
}

function expectedDigest(seed: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < BIG_CHUNKS; i++) hash.update(chunkOf(seed, i));
  return hash.digest('hex');
}

describe('relayed bodies and reused read memory', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((req, res) => {
      const seed = Number(/^\/big\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      if (seed < 0) {
        res.end(`small ${req.url ?? ''}`);
        return;
      }
      res.setHeader('content-length', CHUNK * BIG_CHUNKS);
      let index = 0;
      const pump = (): void => {
        while (index < BIG_CHUNKS) {
          if (!res.write(chunkOf(seed, index++))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('all', { backends: [to('b')] }) }], [backend('b', [be.port])]));
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('delivers every byte to slow and fast clients at the same time', async () => {
    const slow = async (seed: number): Promise<string> => {
      const socket = await rawSocket(dp.port);
      const hash = createHash('sha256');
      let head = '';
      let bodyBytes = 0;
      socket.removeAllListeners('data');
      socket.on('data', (data: Buffer) => {
        let body = data;
        if (!head.includes('\r\n\r\n')) {
          head += data.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) return;
          body = data.subarray(data.length - (head.length - end - 4));
        }
        bodyBytes += body.length;
        hash.update(body);
        // Read slowly: the proxy's writes to this client queue up.
        socket.pause();
        setImmediate(() => socket.resume());
      });
      // Read nothing at first: the socket buffers between here and the proxy fill up.
      socket.pause();
      setTimeout(() => socket.resume(), 200);
      socket.write(`GET /big/${seed} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      await new Promise((resolve) => socket.once('close', resolve));
      assert.equal(bodyBytes, CHUNK * BIG_CHUNKS, `body ${seed} complete`);
      return hash.digest('hex');
    };
    const fast = async (name: string): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        const response = await get(dp.port, `/${name}/${i}`);
        assert.equal(response.body, `small /${name}/${i}`);
        if (i % 10 === 0) await sleep(5);
      }
    };
    const [digests] = await Promise.all([Promise.all([1, 2, 3].map(slow)), fast('a'), fast('b')]);
    assert.deepEqual(digests, [1, 2, 3].map(expectedDigest));
  });
});
