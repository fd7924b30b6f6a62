// WebSocket (and any Upgrade) passes through: the upgrade request reaches the
// backend with its Upgrade header, a 101 joins the two sockets byte for byte
// (half-close included), and a backend that refuses the upgrade is an
// ordinary response after which the client connection closes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { acceptKey } from '../../src/echo/websocket.ts';
import { encodeMaskedFrame, OPCODE } from '../../src/echo/websocket-frames.ts';
import { backend, buildIR, closed, rawSocket, rule, startBackend, startDataPlane, statusLines, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

describe('upgrades', () => {
  let echo: EchoServer;
  let refusing: TestBackend;
  let rawPort: number;
  let rawServer: ReturnType<typeof createServer>;
  const rawSockets = new Set<Socket>();
  let dp: RunningDataPlane;

  before(async () => {
    echo = await startEcho({ name: 'ws' });
    refusing = await startBackend((_req, res) => res.end('no upgrade for you'));
    // Accepts any upgrade, then talks a tiny line protocol: echoes "ping" as
    // "pong", and says "bye" and ends when the client ends its side.
    rawServer = createServer({ allowHalfOpen: true }, (socket) => {
      rawSockets.add(socket);
      socket.on('error', () => {});
      let head = '';
      let upgraded = false;
      socket.on('data', (data: Buffer) => {
        if (upgraded) {
          if (data.toString().includes('ping')) socket.write('pong');
          return;
        }
        head += data.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        upgraded = true;
        const sawUpgrade = /\r\nupgrade: x-line\r\n/i.test(head) && /\r\nconnection: upgrade\r\n/i.test(head);
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-line\r\nConnection: Upgrade\r\n\r\n${sawUpgrade ? 'welcome' : 'no-upgrade-header'}`);
        const early = head.slice(end + 4);
        if (early.includes('ping')) socket.write('pong');
      });
      socket.on('end', () => socket.end('bye'));
    });
    rawServer.listen(0, '127.0.0.1');
    await once(rawServer, 'listening');
    rawPort = (rawServer.address() as AddressInfo).port;
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/ws' }, rule: rule('ws', { backends: [to('echo')] }) },
      { path: { type: 'PathPrefix', value: '/line' }, rule: rule('line', { backends: [to('line')] }) },
      { rule: rule('refuse', { backends: [to('refusing')] }) },
    ], [backend('echo', [echo.port], { protocol: 'ws' }), backend('line', [rawPort]), backend('refusing', [refusing.port])]));
  });
  after(async () => {
    await dp.close();
    await echo.close();
    await refusing.close();
    for (const socket of rawSockets) socket.destroy();
    rawServer.close();
  });

  it('passes a WebSocket handshake and frames through', async () => {
    const key = Buffer.from('0123456789abcdef').toString('base64');
    const socket = await rawSocket(dp.port);
    socket.write(`GET /ws/chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await socket.waitFor('\r\n\r\n');
    assert.deepEqual(statusLines(socket.received()), [101]);
    assert.match(socket.received(), new RegExp(`sec-websocket-accept: ${acceptKey(key).replace(/[+/=]/g, '\\$&')}\\r\\n`, 'i'));
    assert.match(socket.received(), /\r\nupgrade: websocket\r\n/i);
    assert.match(socket.received(), /\r\nconnection: upgrade\r\n/i);
    const headLength = socket.received().length;
    socket.write(encodeMaskedFrame(OPCODE.text, Buffer.from('hello through portico'), Buffer.from([1, 2, 3, 4])));
    await socket.waitFor('hello through portico');
    const frame = Buffer.from(socket.received().slice(headLength), 'latin1');
    assert.equal(frame[0], 0x80 | OPCODE.text);
    assert.equal(frame.subarray(2).toString(), 'hello through portico');
    // The close handshake goes through too, and ends both connections.
    socket.write(encodeMaskedFrame(OPCODE.close, Buffer.from([0x03, 0xe8]), Buffer.from([5, 6, 7, 8])));
    await closed(socket);
    assert.ok(socket.received().endsWith('\x88\x02\x03\xe8'), 'the backend\'s close frame came back');
  });

  it('joins the sockets with half-close, including bytes sent right after the head', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('GET /line HTTP/1.1\r\nHost: a\r\nUpgrade: x-line\r\nConnection: upgrade\r\n\r\nping');
    await socket.waitFor('welcome');
    await socket.waitFor('pong');
    socket.write('ping');
    await socket.waitFor(/pong.*pong/s);
    socket.end(); // our side is done; the backend still answers
    await socket.waitFor('bye');
    await closed(socket);
  });

  it('treats a refused upgrade as a normal response and closes the connection after it', async () => {
    const socket = await rawSocket(dp.port);
    socket.write('GET /other HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await closed(socket);
    assert.deepEqual(statusLines(socket.received()), [200]);
    assert.match(socket.received(), /connection: close\r\n/);
    assert.match(socket.received(), /no upgrade for you$/);
  });

  // Parsers are reused across connections: a tunnel that closes after its
  // connection gave the parser back must not take it from the next owner.
  it('keeps serving a connection that started while an earlier tunnel was open, after the tunnel closes', async () => {
    const tunnel = await rawSocket(dp.port);
    tunnel.write('GET /line HTTP/1.1\r\nHost: a\r\nUpgrade: x-line\r\nConnection: upgrade\r\n\r\n');
    await tunnel.waitFor('welcome');
    const keptAlive = await rawSocket(dp.port);
    keptAlive.write('GET /other HTTP/1.1\r\nHost: a\r\n\r\n');
    await keptAlive.waitFor('no upgrade for you');
    const backendSide = [...rawSockets].at(-1) as Socket;
    tunnel.destroy();
    // The proxy tears both sides down together; its client side's 'close' follows within a loop turn or two.
    await closed(backendSide);
    await new Promise((resolve) => setTimeout(resolve, 20));
    keptAlive.write('GET /other HTTP/1.1\r\nHost: a\r\n\r\n');
    await keptAlive.waitFor(/no upgrade for you.*no upgrade for you/s);
    assert.deepEqual(statusLines(keptAlive.received()), [200, 200]);
    keptAlive.destroy();
  });
});
