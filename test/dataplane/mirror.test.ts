// RequestMirror: the mirror backend gets a copy of the request (body
// included, Host marked "-shadow"), and a slow, failing or missing mirror
// never delays or fails the client's request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, freePort, get, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('request mirrors', () => {
  let primary: TestBackend;
  let mirror: TestBackend;
  let slowMirror: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    primary = await startBackend((req, res, body) => res.end(`primary ${req.url} ${body.toString()}`));
    mirror = await startBackend((_req, res) => {
      res.statusCode = 500; // a mirror's answer is dropped, whatever it is
      res.end('mirror answer');
    });
    slowMirror = await startBackend((_req, res) => void setTimeout(() => res.end('late'), 2000).unref());
    const dead = await freePort();
    dp = await startDataPlane((port) => buildIR(port, [
      { path: { type: 'PathPrefix', value: '/slow' }, rule: rule('slow', { backends: [to('p')], mirrors: [{ backend: 's', numerator: 1, denominator: 1 }] }) },
      { path: { type: 'PathPrefix', value: '/dead' }, rule: rule('dead', { backends: [to('p')], mirrors: [{ backend: 'd', numerator: 1, denominator: 1 }] }) },
      { path: { type: 'PathPrefix', value: '/never' }, rule: rule('never', { backends: [to('p')], mirrors: [{ backend: 'm', numerator: 0, denominator: 100 }] }) },
      { rule: rule('all', { backends: [to('p')], mirrors: [{ backend: 'm', numerator: 1, denominator: 1 }] }) },
    ], [backend('p', [primary.port]), backend('m', [mirror.port]), backend('s', [slowMirror.port]), backend('d', [dead])]), {
      limits: { mirrorBodyBytes: 1024 },
    });
  });
  after(async () => {
    await dp.close();
    await primary.close();
    await mirror.close();
    await slowMirror.close();
  });

  it('sends a copy with the body to the mirror and answers from the primary', async () => {
    const response = await get(dp.port, '/copy?x=1', { method: 'POST', body: 'payload', host: 'shop.example.com:8080' });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'primary /copy?x=1 payload');
    await until(() => mirror.seen.some((r) => r.url === '/copy?x=1'));
    const copy = mirror.seen.find((r) => r.url === '/copy?x=1');
    assert.equal(copy?.method, 'POST');
    assert.equal(copy?.body.toString(), 'payload');
    assert.equal(copy?.headers.host, 'shop.example.com-shadow:8080');
  });

  it('does not hold the client for a slow mirror', async () => {
    const started = Date.now();
    const response = await get(dp.port, '/slow');
    assert.equal(response.body, 'primary /slow ');
    assert.ok(Date.now() - started < 1500, 'answered without waiting for the mirror');
    await until(() => slowMirror.seen.length === 1);
  });

  it('does not fail the client when the mirror is down', async () => {
    const response = await get(dp.port, '/dead');
    assert.equal(response.status, 200);
  });

  it('abandons the copy of a body larger than the mirror cap, the client still gets its answer', async () => {
    const before = mirror.seen.length;
    const big = 'y'.repeat(10_000);
    const response = await get(dp.port, '/big', { method: 'POST', body: big });
    assert.equal(response.body, `primary /big ${big}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(mirror.seen.slice(before).filter((r) => r.url === '/big' && r.body.length === big.length).length, 0);
  });

  it('mirrors no request at a fraction of 0', async () => {
    const before = mirror.seen.length;
    for (let i = 0; i < 5; i++) await get(dp.port, '/never');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(mirror.seen.length, before);
  });
});
