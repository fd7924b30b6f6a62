// WebSocket echo over real sockets: Node's WebSocket client for messages, and a
// raw socket for what the client hides (handshake details, ping/pong, refusals).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { acceptKey } from '../../src/echo/websocket.ts';
import { encodeMaskedFrame, OPCODE } from '../../src/echo/websocket-frames.ts';

let echo: EchoServer;
before(async () => {
  echo = await startEcho();
});
after(() => echo.close());

function nextMessage(socket: WebSocket): Promise<MessageEvent> {
  return new Promise((resolve, reject) => {
    socket.addEventListener('message', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error('websocket error')), { once: true });
  });
}

test('every text and binary message comes back unchanged, and the upgrade is counted', async () => {
  const before = echo.requests;
  const socket = new WebSocket(`ws://127.0.0.1:${echo.port}/ws`);
  socket.binaryType = 'arraybuffer';
  await once(socket, 'open');
  assert.equal(echo.requests, before + 1);

  socket.send('hello');
  assert.equal((await nextMessage(socket)).data, 'hello');
  const big = 'x'.repeat(100_000);
  socket.send(big);
  assert.equal((await nextMessage(socket)).data, big);
  const bytes = new Uint8Array([0, 1, 2, 255]);
  socket.send(bytes);
  assert.deepEqual(new Uint8Array((await nextMessage(socket)).data as ArrayBuffer), bytes);

  socket.close(4000, 'done');
  const closed = (await once(socket, 'close')) as [CloseEvent];
  assert.equal(closed[0].code, 4000, 'the close code is echoed back');
});

test('a client that offers subprotocols gets its first one', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${echo.port}/`, ['echo.v2', 'echo.v1']);
  await once(socket, 'open');
  assert.equal(socket.protocol, 'echo.v2');
  socket.close();
  await once(socket, 'close');
});

/** Opens a raw connection, sends `head`, and returns the socket and the response head. */
async function rawHandshake(head: string): Promise<{ socket: Socket; response: string; rest: Buffer }> {
  const socket = connect(echo.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(head);
  let received = Buffer.alloc(0);
  while (!received.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received = Buffer.concat([received, chunk]);
  }
  const end = received.indexOf('\r\n\r\n') + 4;
  return { socket, response: received.subarray(0, end).toString(), rest: received.subarray(end) };
}

async function readBytes(socket: Socket, have: Buffer, count: number): Promise<Buffer> {
  let bytes = have;
  while (bytes.length < count) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    bytes = Buffer.concat([bytes, chunk]);
  }
  return bytes;
}

const key = Buffer.alloc(16, 7).toString('base64');
const upgrade = `GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`;

test('the handshake proves the key (RFC 6455 §4.2.2), pings get pongs, fragments echo as fragments', async () => {
  const { socket, response, rest } = await rawHandshake(upgrade);
  try {
    assert.match(response, /^HTTP\/1\.1 101 /);
    assert.ok(response.includes(`Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`));
    // The sample key from RFC 6455 §1.3 and its known answer.
    assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');

    const mask = Buffer.from([1, 2, 3, 4]);
    socket.write(Buffer.concat([
      encodeMaskedFrame(OPCODE.ping, Buffer.from('are you there'), mask),
      encodeMaskedFrame(OPCODE.text, Buffer.from('frag'), mask, false),
      encodeMaskedFrame(OPCODE.continuation, Buffer.from('ment'), mask),
    ]));
    const expected = Buffer.concat([
      Buffer.from([0x8a, 13]), Buffer.from('are you there'),
      Buffer.from([0x01, 4]), Buffer.from('frag'),
      Buffer.from([0x80, 4]), Buffer.from('ment'),
    ]);
    const got = await readBytes(socket, rest, expected.length);
    assert.deepEqual([...got.subarray(0, expected.length)], [...expected]);
  } finally {
    socket.destroy();
  }
});

test('an unmasked client frame closes the connection with 1002 (protocol error)', async () => {
  const { socket, rest } = await rawHandshake(upgrade);
  try {
    socket.write(Buffer.from([0x81, 1, 0x61]));
    const got = await readBytes(socket, rest, 4);
    assert.deepEqual([...got.subarray(0, 4)], [0x88, 2, 0x03, 0xea]);
  } finally {
    socket.destroy();
  }
});

test('an upgrade without a valid key is refused with 400', async () => {
  const { socket, response } = await rawHandshake('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n');
  socket.destroy();
  assert.match(response, /^HTTP\/1\.1 400 /);
});

test('other upgrades (e.g. h2c) are answered as plain requests', async () => {
  const { socket, response } = await rawHandshake('GET /plain HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
  socket.destroy();
  assert.match(response, /^HTTP\/1\.1 200 /);
});

test('close() drops open WebSocket connections', async () => {
  const own = await startEcho();
  const socket = new WebSocket(`ws://127.0.0.1:${own.port}/`);
  await once(socket, 'open');
  const closed = once(socket, 'close');
  await own.close();
  await closed;
});
