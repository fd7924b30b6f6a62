// The echo backend over real sockets: what it reports, and each test control.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import { patternBody } from '../../src/echo/body.ts';
import type { RequestDescription } from '../../src/echo/describe.ts';
import { startEcho } from '../../src/echo/server.ts';
import type { EchoServer } from '../../src/echo/server.ts';
import { request } from '../support/net.ts';

let echo: EchoServer;
before(async () => {
  echo = await startEcho({ name: 'infra-backend-v1', namespace: 'gateway-conformance-infra' });
});
after(() => echo.close());

/** A raw request whose response body comes back as bytes. */
function getBytes(port: number, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('describes the request in the conformance echo-basic shape, plus Portico fields', async () => {
  const body = 'hello, echo';
  const response = await request({
    port: echo.port,
    method: 'POST',
    path: '/some/path?a=1&b=two&a=3',
    host: 'example.com:8080',
    headers: { 'X-Custom': 'one', 'content-type': 'text/plain' },
    body,
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  const seen = response.json<RequestDescription>();
  assert.equal(seen.path, '/some/path?a=1&b=two&a=3');
  assert.equal(seen.host, 'example.com:8080');
  assert.equal(seen.method, 'POST');
  assert.equal(seen.proto, 'HTTP/1.1');
  assert.deepEqual(seen.headers['x-custom'], ['one']);
  assert.deepEqual(seen.headers['content-length'], [String(body.length)]);
  assert.equal(seen.headers.host, undefined, 'Host is reported in `host`, as echo-basic does');
  assert.equal(seen.httpPort, String(echo.port));
  assert.equal(seen.namespace, 'gateway-conformance-infra');
  assert.equal(seen.service, 'infra-backend-v1');
  assert.equal(seen.pod, `infra-backend-v1-${echo.port}`);
  assert.equal(seen.ingress, '');
  assert.equal(seen.name, 'infra-backend-v1');
  assert.deepEqual(seen.query, { a: ['1', '3'], b: ['two'] });
  assert.equal(seen.bodyLength, body.length);
  assert.equal(seen.bodySha256, createHash('sha256').update(body).digest('hex'));
  assert.equal(seen.remoteAddress, '127.0.0.1');
  assert.ok(seen.remotePort > 0);
});

test('a header sent on several lines is reported as several values, in order', async () => {
  const response = await request({ port: echo.port, headers: { 'x-multi': ['first', 'second'] } });
  assert.deepEqual(response.json<RequestDescription>().headers['x-multi'], ['first', 'second']);
});

test('identity options are reported as given; a bodiless request has the empty-body hash', async () => {
  const other = await startEcho({ name: 'web', pod: 'web-7d9f', service: 'web-svc', ingress: 'ing' });
  try {
    const seen = (await request({ port: other.port })).json<RequestDescription>();
    assert.deepEqual([seen.name, seen.pod, seen.service, seen.ingress, seen.namespace], ['web', 'web-7d9f', 'web-svc', 'ing', '']);
    assert.equal(seen.bodyLength, 0);
    assert.equal(seen.bodySha256, createHash('sha256').digest('hex'));
  } finally {
    await other.close();
  }
});

test('x-echo-status answers with that status and still describes the request', async () => {
  const response = await request({ port: echo.port, path: '/down', headers: { 'x-echo-status': '503' } });
  assert.equal(response.status, 503);
  assert.equal(response.json<RequestDescription>().path, '/down');
});

test('x-echo-delay-ms holds the answer back at least that long', async () => {
  const started = performance.now();
  const response = await request({ port: echo.port, headers: { 'x-echo-delay-ms': '200' } });
  assert.equal(response.status, 200);
  assert.ok(performance.now() - started >= 195, 'the answer came before the delay was over');
});

test('x-echo-set-header adds response headers (echo-basic format, repeated names joined)', async () => {
  const response = await request({ port: echo.port, headers: { 'x-echo-set-header': 'X-Foo: bar, x-multi:1, X-Multi:2' } });
  assert.equal(response.headers['x-foo'], 'bar');
  assert.equal(response.headers['x-multi'], '1,2');
});

test('x-echo-set-header may replace the content type', async () => {
  const response = await request({ port: echo.port, headers: { 'x-echo-set-header': 'content-type: text/event-stream' } });
  assert.equal(response.headers['content-type'], 'text/event-stream');
});

test('x-echo-body-size streams exactly that many pattern bytes', async () => {
  for (const size of [0, 1, 65536, 300_000]) {
    const response = await getBytes(echo.port, { 'x-echo-body-size': String(size) });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(size));
    assert.equal(response.headers['content-type'], 'application/octet-stream');
    assert.ok(response.body.equals(patternBody(size)), `body of ${size} bytes differs`);
  }
});

test('HEAD with x-echo-body-size announces the length without generating the body', async () => {
  const response = await request({ port: echo.port, method: 'HEAD', headers: { 'x-echo-body-size': '1000000000000' } });
  assert.deepEqual([response.status, response.headers['content-length'], response.body], [200, '1000000000000', '']);
});

test('x-echo-body-size combines with x-echo-status', async () => {
  const response = await getBytes(echo.port, { 'x-echo-body-size': '10', 'x-echo-status': '404' });
  assert.deepEqual([response.status, response.body.toString()], [404, '0123456789']);
});

test('x-echo-close resets the connection without answering, and the attempt is counted', async () => {
  const before = echo.requests;
  await assert.rejects(request({ port: echo.port, headers: { 'x-echo-close': '1' } }), { code: 'ECONNRESET' });
  assert.equal(echo.requests, before + 1);
});

test('x-echo-echo-body streams the body back while it is still arriving', async () => {
  const echoed = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: echo.port, method: 'PUT', path: '/', headers: { 'x-echo-echo-body': '1', 'content-type': 'text/x-parts' }, agent: false },
      (res) => {
        assert.equal(res.headers['content-type'], 'text/x-parts');
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          // Only once the first part has come back is the second one sent:
          // a backend that buffered the whole body would never answer.
          if (text === 'first part;') req.end('second part');
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('the first part never came back: the body was not streamed')));
    req.flushHeaders();
    req.write('first part;');
  });
  assert.equal(echoed, 'first part;second part');
});

test('x-echo-echo-body keeps the content length of a sized body', async () => {
  const response = await request({ port: echo.port, method: 'POST', body: 'abc', headers: { 'x-echo-echo-body': '1' } });
  assert.deepEqual([response.status, response.headers['content-length'], response.body], [200, '3', 'abc']);
});

test('x-echo-fail-first resets the first N attempts per key, then answers 200', async () => {
  const attempt = (key: string) => request({ port: echo.port, headers: { 'x-echo-fail-first': '2', 'x-echo-fail-key': key } });
  await assert.rejects(attempt('k1'), { code: 'ECONNRESET' });
  await assert.rejects(attempt('k1'), { code: 'ECONNRESET' });
  assert.equal((await attempt('k1')).status, 200);
  assert.equal((await attempt('k1')).status, 200);
  await assert.rejects(attempt('k2'), { code: 'ECONNRESET' }, 'another key starts its own count');
});

test('x-echo-fail-first with x-echo-status fails with that status; the key defaults to method and path', async () => {
  const attempt = () => request({ port: echo.port, path: '/retry-me', headers: { 'x-echo-fail-first': '1', 'x-echo-status': '500' } });
  assert.equal((await attempt()).status, 500);
  assert.equal((await attempt()).status, 200);
});

test('a malformed control is answered 400 with a message naming it', async () => {
  const response = await request({ port: echo.port, headers: { 'x-echo-status': '700' } });
  assert.equal(response.status, 400);
  assert.match(response.json<{ message: string }>().message, /x-echo-status/);
});

test('counts every request; keep-alive connections carry several', async () => {
  const counted = await startEcho();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: counted.port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
      });
    }
    assert.equal(counted.requests, 5);
  } finally {
    agent.destroy();
    await counted.close();
  }
});

test('close() ends promptly with an idle keep-alive connection and a request still waiting on its delay', async () => {
  const closing = await startEcho();
  const agent = new Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: closing.port, agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
  });
  const waiting = request({ port: closing.port, headers: { 'x-echo-delay-ms': '600000' } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await closing.close();
  await assert.rejects(waiting);
  agent.destroy();
});

test('url names a loopback address even when bound to every interface', async () => {
  const wildcard = await startEcho({ host: '0.0.0.0' });
  try {
    assert.equal(wildcard.url, `http://127.0.0.1:${wildcard.port}`);
    assert.equal((await fetch(wildcard.url)).status, 200);
  } finally {
    await wildcard.close();
  }
});
