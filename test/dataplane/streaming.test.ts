// Bodies stream through with backpressure both ways: a client that does not
// read holds the backend back, a backend that does not read holds the client
// back, and Portico does not buffer the difference. (The bound checked is
// loose, kernel socket buffers included; without backpressure the whole body
// would pass at once.)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, rawSocket, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

const TOTAL = 64 * 1024 * 1024;
const BOUND = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 'x');

describe('streaming with backpressure', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;
  let downloadWritten = 0;
  let uploadRead = 0;
  let releaseUpload: (() => void) | undefined;

  before(async () => {
    be = await startBackend((req, res) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'content-length': String(TOTAL) });
        const pump = (): void => {
          while (downloadWritten < TOTAL) {
            downloadWritten += CHUNK.length;
            if (!res.write(CHUNK)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
        return;
      }
      if (req.url === '/upload') {
        // Do not read until told to: the request body backs up.
        req.pause();
        releaseUpload = () => {
          const hash = createHash('sha256');
          req.on('data', (chunk: Buffer) => {
            uploadRead += chunk.length;
            hash.update(chunk);
          });
          req.on('end', () => res.end(`${uploadRead} ${hash.digest('hex')}`));
          req.resume();
        };
        return;
      }
      res.end('?');
    }, { streaming: true });
    dp = await startDataPlane((port) => buildIR(port, [{ rule: rule('all', { backends: [to('b')] }) }], [backend('b', [be.port])]));
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('a client that does not read holds the backend back', async () => {
    const socket = await rawSocket(dp.port);
    socket.pause();
    socket.write('GET /download HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(downloadWritten < BOUND, `backend got ${downloadWritten} bytes out while the client read nothing`);
    let received = 0;
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await once(socket, 'close');
    assert.ok(received > TOTAL, 'the whole body arrived once the client read');
  });

  it('a backend that does not read holds the client back, and gets every byte later', async () => {
    const socket = await rawSocket(dp.port);
    socket.write(`POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${TOTAL}\r\nConnection: close\r\n\r\n`);
    const expected = createHash('sha256');
    let offered = 0;
    const writeMore = (): void => {
      while (offered < TOTAL) {
        offered += CHUNK.length;
        expected.update(CHUNK);
        if (!socket.write(CHUNK)) {
          socket.once('drain', writeMore);
          return;
        }
      }
    };
    writeMore();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const accepted = socket.bytesWritten - socket.writableLength;
    assert.ok(accepted < BOUND, `Portico took ${accepted} bytes while the backend read nothing`);
    assert.ok(releaseUpload !== undefined, 'the request reached the backend before its body');
    releaseUpload();
    await socket.waitFor(/\r\n\r\n\d+ [0-9a-f]{64}$/, 20_000);
    const [length, digest] = socket.received().slice(socket.received().indexOf('\r\n\r\n') + 4).split(' ');
    assert.equal(Number(length), TOTAL);
    assert.equal(digest, expected.digest('hex'));
    socket.destroy();
  });
});
