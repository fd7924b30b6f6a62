// Header bytes cross the proxy unchanged in both directions (a byte outside
// ASCII is not re-encoded), and text from the configuration goes out as UTF-8.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backend, buildIR, rawExchange, rule, startBackend, startDataPlane, to } from './helpers.ts';
import type { RunningDataPlane, TestBackend } from './helpers.ts';

/** The bytes of a header value as node:http saw them (it decodes header bytes as latin1). */
function bytesOf(rawHeaders: string[], name: string): number[] {
  const index = rawHeaders.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === name);
  return [...Buffer.from(rawHeaders[index + 1] ?? '', 'latin1')];
}

describe('bytes on the wire', () => {
  let be: TestBackend;
  let dp: RunningDataPlane;

  before(async () => {
    be = await startBackend((_req, res) => {
      res.setHeader('x-reply', 'café'); // node:http sends it UTF-8 encoded
      res.end('ok');
    });
    dp = await startDataPlane((port) => buildIR(port, [
      {
        path: { type: 'PathPrefix', value: '/config' },
        rule: rule('config', {
          requestHeaders: { set: [{ name: 'X-Cfg', value: 'café ✓' }], add: [], remove: [] },
          responseHeaders: { set: [{ name: 'X-Cfg-Reply', value: 'naïve' }], add: [], remove: [] },
          backends: [to('b')],
        }),
      },
      { path: { type: 'PathPrefix', value: '/direct' }, rule: rule('direct', { directResponse: { status: 200, body: 'héllo ✓' } }) },
      { rule: rule('all', { backends: [to('b')] }) },
    ], [backend('b', [be.port])]));
  });
  after(async () => {
    await dp.close();
    await be.close();
  });

  it('passes a header byte outside ASCII through unchanged, both ways', async () => {
    const { text } = await rawExchange(dp.port, Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\r\nConnection: close\r\n\r\n', 'latin1'));
    assert.deepEqual(bytesOf(be.seen.at(-1)?.rawHeaders ?? [], 'x-name'), [0x63, 0x61, 0x66, 0xe9]);
    assert.ok(text.includes(`\r\nx-reply: ${Buffer.from('café').toString('latin1')}\r\n`), 'the bytes the backend sent');
  });

  it('sends header values and bodies from the configuration as UTF-8', async () => {
    const { text } = await rawExchange(dp.port, 'GET /config HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.deepEqual(bytesOf(be.seen.at(-1)?.rawHeaders ?? [], 'x-cfg'), [...Buffer.from('café ✓')]);
    assert.ok(text.includes(`\r\nX-Cfg-Reply: ${Buffer.from('naïve').toString('latin1')}\r\n`), text);

    const direct = await rawExchange(dp.port, 'GET /direct HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const body = Buffer.from('héllo ✓');
    assert.match(direct.text, new RegExp(`\r\ncontent-length: ${body.length}\r\n`));
    assert.ok(direct.text.endsWith(`\r\n\r\n${body.toString('latin1')}`), direct.text);
  });
});
