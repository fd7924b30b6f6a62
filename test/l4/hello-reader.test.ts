// Reading a ClientHello off a real socket: the bytes come back untouched
// however they were segmented, and every way of not sending a usable hello
// ends in a clear outcome within the limits.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readClientHello } from '../../src/dataplane/tls/hello-reader.ts';
import type { HelloLimits, HelloOutcome } from '../../src/dataplane/tls/hello-reader.ts';
import { captureClientHello, inRecords, messageOf } from './hello-bytes.ts';

describe('readClientHello on a socket', () => {
  let server: Server;
  let port: number;
  let limits: HelloLimits = { maxBytes: 16_384, timeoutMs: 2000 };
  let outcomes: Array<(outcome: HelloOutcome, socket: Socket) => void> = [];
  let hello: Buffer;

  before(async () => {
    hello = await captureClientHello({ servername: 'reader.example.com', ALPNProtocols: ['http/1.1'] });
    server = createServer((socket) => {
      readClientHello(socket, limits, (outcome) => {
        outcomes.shift()?.(outcome, socket);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Connects, runs `send` on the client socket, and returns the reader's outcome. */
  function outcomeOf(send: (client: Socket) => Promise<void> | void): Promise<{ outcome: HelloOutcome; paused: boolean }> {
    const result = new Promise<{ outcome: HelloOutcome; paused: boolean }>((resolve) => {
      outcomes.push((outcome, socket) => resolve({ outcome, paused: socket.isPaused() }));
    });
    const client = connect({ port, host: '127.0.0.1', noDelay: true });
    client.on('error', () => undefined);
    client.once('connect', () => void send(client));
    return result.finally(() => client.destroy());
  }

  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 15));

  test('a hello sent in three segments and five records comes back byte for byte, with what followed it', async () => {
    const reframed = inRecords(messageOf(hello), 60);
    const trailing = Buffer.from('early');
    const whole = Buffer.concat([reframed, trailing]);
    const { outcome, paused } = await outcomeOf(async (client) => {
      client.write(whole.subarray(0, 3));
      await pause();
      client.write(whole.subarray(3, 100));
      await pause();
      client.write(whole.subarray(100));
    });
    assert.equal(outcome.kind, 'hello');
    if (outcome.kind !== 'hello') return;
    assert.deepEqual(outcome.hello, { serverName: 'reader.example.com', alpn: ['http/1.1'] });
    assert.ok(outcome.bytes.equals(whole), 'every byte read is handed back, the early data after the hello included');
    assert.ok(paused, 'the socket is left paused for its next owner');
  });

  test('outcomes without a usable hello', async () => {
    const cases: Array<{ name: string; limits?: HelloLimits; send: (client: Socket) => void; expected: Partial<HelloOutcome> }> = [
      { name: 'plain HTTP', send: (client) => client.write('GET / HTTP/1.1\r\n\r\n'), expected: { kind: 'rejected', reason: 'not-tls' } },
      { name: 'garbage in a handshake record', send: (client) => client.write(inRecords(Buffer.from([1, 0, 0, 2, 3, 3]))), expected: { kind: 'rejected', reason: 'malformed', detail: 'ClientHello truncated' } },
      { name: 'half a hello, then FIN', send: (client) => client.end(hello.subarray(0, 40)), expected: { kind: 'rejected', reason: 'closed' } },
      { name: 'half a hello, then silence', limits: { maxBytes: 16_384, timeoutMs: 150 }, send: (client) => client.write(hello.subarray(0, 40)), expected: { kind: 'rejected', reason: 'timeout' } },
      { name: 'a hello over the size limit', limits: { maxBytes: 64, timeoutMs: 2000 }, send: (client) => client.write(hello), expected: { kind: 'rejected', reason: 'too-large' } },
    ];
    for (const { name, send, expected, limits: caseLimits } of cases) {
      limits = caseLimits ?? { maxBytes: 16_384, timeoutMs: 2000 };
      const { outcome } = await outcomeOf(send);
      assert.deepEqual(outcome, expected, name);
    }
    outcomes = [];
  });
});
