// WebSocket over HTTP/2 (RFC 8441): Portico advertises extended CONNECT, a
// `:protocol websocket` stream is routed like an HTTP/1.1 Upgrade (path,
// filters) and reaches the backend as one (GET, Upgrade, a key of Portico's
// whose accept it checks); the 101 is answered 200 and the stream carries the
// frames both ways, with END_STREAM as half-close and resets both ways.
// Refusals: no route 404, a backend that does not upgrade passes its answer
// on (a 2xx or a wrong accept is 502), plain CONNECT 405, other protocols 403.
// An open tunnel outlives a reload. wss backends (TLS) work the same way.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { Http2FrontEnd } from '../../src/dataplane/http2/engine.ts';
import type { RequestLogInfo } from '../../src/dataplane/proxy/handler.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { encodeMaskedFrame, OPCODE } from '../../src/echo/websocket-frames.ts';
import type { IR } from '../../src/ir/types.ts';
import { createPki, opensslMissing } from '../echo/certs.ts';
import type { TestPki } from '../echo/certs.ts';
import { backend, buildIR, rule, startDataPlane, to } from '../dataplane/helpers.ts';
import type { RunningDataPlane } from '../dataplane/helpers.ts';
import { h2Request, h2Session } from './helpers.ts';
import { openWebSocket, startLineBackend } from './ws-helpers.ts';
import type { LineBackend } from './ws-helpers.ts';

const MASK = Buffer.from([1, 2, 3, 4]);
const textFrame = (text: string): Buffer => encodeMaskedFrame(OPCODE.text, Buffer.from(text), MASK);
/** An unmasked server frame as it arrives (payloads under 126 bytes). */
const serverFrame = (opcode: number, payload: string): string => String.fromCharCode(0x80 | opcode, payload.length) + payload;

describe('WebSocket over HTTP/2 extended CONNECT', () => {
  let echo: EchoServer;
  let tlsEcho: EchoServer | undefined;
  let pki: TestPki | undefined;
  let line: LineBackend;
  let refusing: LineBackend;
  let okInstead: LineBackend;
  let badAccept: LineBackend;
  let dp: RunningDataPlane;
  let session: ClientHttp2Session;
  const records: RequestLogInfo[] = [];
  let generation = 'blue';

  const config = (port: number): IR => buildIR(port, [
    { path: { type: 'PathPrefix', value: '/ws' }, rule: rule('ws', { backends: [to('echo')] }) },
    { path: { type: 'PathPrefix', value: '/wss' }, rule: rule('wss', { backends: [to(tlsEcho === undefined ? 'echo' : 'tls-echo')] }) },
    {
      path: { type: 'PathPrefix', value: '/line' },
      rule: rule('line', {
        backends: [to('line')],
        requestHeaders: { set: [{ name: 'x-generation', value: generation }], add: [], remove: [] },
        rewrite: { path: { type: 'ReplacePrefixMatch', value: '/rewritten' } },
      }),
    },
    { path: { type: 'PathPrefix', value: '/refuse' }, rule: rule('refuse', { backends: [to('refusing')] }) },
    { path: { type: 'PathPrefix', value: '/ok-instead' }, rule: rule('ok', { backends: [to('ok-instead')] }) },
    { path: { type: 'PathPrefix', value: '/bad-accept' }, rule: rule('bad', { backends: [to('bad-accept')] }) },
  ], [
    backend('echo', [echo.port], { protocol: 'ws' }),
    ...(tlsEcho === undefined || pki === undefined ? [] : [backend('tls-echo', [tlsEcho.port], { protocol: 'wss', tls: { sni: 'echo.example.com', caPem: pki.ca.cert } })]),
    backend('line', [line.port]),
    backend('refusing', [refusing.port]),
    backend('ok-instead', [okInstead.port]),
    backend('bad-accept', [badAccept.port]),
  ]);

  before(async () => {
    echo = await startEcho({ name: 'ws' });
    if (opensslMissing() === false) {
      pki = await createPki();
      tlsEcho = await startEcho({ name: 'wss', tls: await pki.issue('echo.example.com') });
    }
    line = await startLineBackend();
    refusing = await startLineBackend({ refuse: 'HTTP/1.1 426 Upgrade Required\r\ncontent-length: 9\r\n\r\nnot today' });
    okInstead = await startLineBackend({ refuse: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello' });
    badAccept = await startLineBackend({ badAccept: true });
    dp = await startDataPlane(config, { http2: new Http2FrontEnd(), onRequestComplete: (info) => records.push(info) });
    session = await h2Session(dp.port);
    if (session.remoteSettings.enableConnectProtocol !== true) await once(session, 'remoteSettings');
  });
  after(async () => {
    session.destroy();
    await dp.close();
    await echo.close();
    await tlsEcho?.close();
    await pki?.remove();
    for (const backendServer of [line, refusing, okInstead, badAccept]) backendServer.close();
  });

  it('advertises SETTINGS_ENABLE_CONNECT_PROTOCOL', () => {
    assert.equal(session.remoteSettings.enableConnectProtocol, true);
  });

  it('echoes frames both ways through a ws backend, and the close handshake ends the stream cleanly', async () => {
    const ws = openWebSocket(session, '/ws/chat');
    const { status, headers } = await ws.response;
    assert.equal(status, 200);
    assert.equal(headers['sec-websocket-accept'], undefined, 'the accept key answered Portico, not the client');
    assert.equal(headers.upgrade, undefined);
    ws.stream.write(textFrame('hello over h2'));
    await ws.waitFor(serverFrame(OPCODE.text, 'hello over h2'));
    ws.stream.write(textFrame('again'));
    await ws.waitFor(serverFrame(OPCODE.text, 'again'));
    // Client-initiated close: the echo answers the close frame and ends its side (END_STREAM), we end ours.
    ws.stream.write(encodeMaskedFrame(OPCODE.close, Buffer.from([0x03, 0xe8]), MASK));
    await ws.waitFor('\x88\x02\x03\xe8');
    ws.stream.end();
    assert.equal(await ws.closed, 0);
    const record = records.find((r) => r.rule === 'httproute/default/ws/rule/0');
    assert.equal(record?.status, 200);
    assert.equal(record?.method, 'CONNECT');
    assert.equal(record?.protocol, 'websocket');
    assert.equal(record?.path, '/ws/chat');
  });

  it('sends the backend an HTTP/1.1 Upgrade with a key of its own, the route\'s filters applied', async () => {
    const ws = openWebSocket(session, '/line/x?q=1', { 'sec-websocket-protocol': 'chat, superchat', 'sec-websocket-extensions': 'permessage-deflate', 'sec-websocket-key': 'not-yours' });
    assert.equal((await ws.response).status, 200);
    await ws.waitFor('welcome');
    const head = line.heads.at(-1) ?? '';
    assert.match(head, /^GET \/rewritten\/x\?q=1 HTTP\/1\.1\r\n/);
    assert.match(head, /\r\nupgrade: websocket\r\n/i);
    assert.match(head, /\r\nconnection: upgrade(\r\n|$)/i);
    assert.match(head, /\r\nsec-websocket-version: 13\r\n/i);
    assert.match(head, /\r\nsec-websocket-protocol: chat, superchat\r\n/i);
    assert.match(head, /\r\nsec-websocket-extensions: permessage-deflate\r\n/i);
    assert.match(head, /\r\nx-generation: blue\r\n/i);
    const keys = [...head.matchAll(/\r\nsec-websocket-key: *([^\r]*)/gi)].map((m) => m[1]);
    assert.equal(keys.length, 1);
    assert.equal(Buffer.from(keys[0] ?? '', 'base64').length, 16);
    ws.stream.end();
    await ws.closed;
  });

  it('maps half-close both ways: the client ends first, or the backend does', async () => {
    const clientFirst = openWebSocket(session, '/line/a');
    await clientFirst.waitFor('welcome');
    clientFirst.stream.write('ping');
    await clientFirst.waitFor('pong');
    clientFirst.stream.end(); // END_STREAM → the backend sees its end, still answers, then ends
    await clientFirst.waitFor('bye');
    assert.equal(await clientFirst.closed, 0);

    const backendFirst = openWebSocket(session, '/line/b');
    await backendFirst.waitFor('welcome');
    backendFirst.stream.write('quit'); // the backend ends its side: END_STREAM to the client
    await once(backendFirst.stream, 'end');
    backendFirst.stream.end();
    assert.equal(await backendFirst.closed, 0);
  });

  it('resets both ways: a client reset closes the backend connection, a backend reset resets the stream', async () => {
    const count = line.sockets.length;
    const reset = openWebSocket(session, '/line/c');
    await reset.waitFor('welcome');
    const backendSide = line.sockets[count];
    assert.ok(backendSide !== undefined);
    reset.stream.close(constants.NGHTTP2_CANCEL);
    if (!backendSide.destroyed) await once(backendSide, 'close');

    const cut = openWebSocket(session, '/line/d');
    await cut.waitFor('welcome');
    (line.sockets[count + 1] as (typeof line.sockets)[number]).resetAndDestroy();
    assert.equal(await cut.closed, constants.NGHTTP2_CONNECT_ERROR);
    // The session and its other streams go on.
    assert.equal((await h2Request(session, { ':path': '/ws/plain' })).status, 200);
  });

  it('answers 404 when no route matches, and passes a backend\'s refusal on as an ordinary response', async () => {
    const none = openWebSocket(session, '/nowhere');
    assert.equal((await none.response).status, 404);
    await none.closed;
    assert.equal(records.at(-1)?.error, 'route_not_found');

    const refused = openWebSocket(session, '/refuse');
    assert.equal((await refused.response).status, 426);
    await refused.closed;
    assert.equal(refused.received(), 'not today');
  });

  it('answers 502 for a 2xx that is not 101 and for a 101 whose accept key is wrong', async () => {
    for (const path of ['/ok-instead', '/bad-accept']) {
      const ws = openWebSocket(session, path);
      assert.equal((await ws.response).status, 502, path);
      await ws.closed;
      assert.equal(records.at(-1)?.error, 'upgrade_failed');
    }
  });

  it('refuses plain CONNECT (405) and other protocols (403), and logs both as refused', async () => {
    const before = records.length;
    const plain = session.request({ ':method': 'CONNECT', ':authority': 'example.com:443' });
    plain.on('error', () => {});
    const plainStatus = new Promise((resolve) => plain.once('response', (h) => resolve(h[':status'])));
    assert.equal(await plainStatus, 405);
    plain.close();
    const other = openWebSocket(session, '/ws', { ':protocol': 'connect-udp' });
    assert.equal((await other.response).status, 403);
    await other.closed;
    const refused = records.slice(before).map((r) => [r.status, r.error, r.rule]);
    assert.deepEqual(refused, [[405, 'connect_not_supported', undefined], [403, 'upgrade_not_supported', undefined]]);
  });

  it('keeps an open tunnel across a reload; new streams on the same connection take the new configuration', async () => {
    const ws = openWebSocket(session, '/line/reload');
    await ws.waitFor('welcome');
    generation = 'green';
    await dp.dataPlane.apply(config(dp.port));
    ws.stream.write('ping');
    await ws.waitFor('pong');
    const next = openWebSocket(session, '/line/after');
    await next.waitFor('welcome');
    assert.match(line.heads.at(-1) ?? '', /\r\nx-generation: green\r\n/i);
    next.stream.end();
    ws.stream.end();
    await ws.waitFor('bye');
    assert.equal(await ws.closed, 0);
    await next.closed;
  });

  it('reaches a wss backend over TLS', { skip: opensslMissing() }, async () => {
    const ws = openWebSocket(session, '/wss/secure');
    assert.equal((await ws.response).status, 200);
    ws.stream.write(textFrame('over tls'));
    await ws.waitFor(serverFrame(OPCODE.text, 'over tls'));
    ws.stream.write(encodeMaskedFrame(OPCODE.close, Buffer.from([0x03, 0xe8]), MASK));
    await ws.waitFor('\x88\x02\x03\xe8');
    ws.stream.end();
    assert.equal(await ws.closed, 0);
  });
});
