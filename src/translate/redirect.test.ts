import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRedirect } from './redirect.ts';
import type { RedirectTemplate } from './route-model.ts';

test('RequestRedirect Location port: explicit, else scheme well-known, else listener; default ports left out', () => {
  // [scheme, explicit port, listener scheme, listener port, expected IR port]
  const table: [RedirectTemplate['scheme'], number | undefined, 'http' | 'https', number, number | undefined][] = [
    [undefined, undefined, 'http', 80, undefined],
    [undefined, 80, 'http', 80, undefined],
    [undefined, 8080, 'http', 80, 8080],
    ['https', undefined, 'http', 80, undefined],
    ['https', 443, 'http', 80, undefined],
    ['https', 8443, 'http', 80, 8443],
    [undefined, undefined, 'http', 8080, 8080],
    [undefined, 80, 'http', 8080, undefined],
    ['https', undefined, 'http', 8080, undefined],
    ['http', undefined, 'http', 8080, undefined],
    [undefined, undefined, 'https', 443, undefined],
    [undefined, 443, 'https', 443, undefined],
    [undefined, 8443, 'https', 443, 8443],
    ['http', undefined, 'https', 443, undefined],
    ['http', 8080, 'https', 443, 8080],
    [undefined, 443, 'http', 80, 443],
  ];
  for (const [scheme, explicitPort, listenerScheme, listenerPort, expected] of table) {
    const template: RedirectTemplate = { statusCode: 302, ...(scheme === undefined ? {} : { scheme }), ...(explicitPort === undefined ? {} : { explicitPort }) };
    const redirect = resolveRedirect(template, listenerScheme, listenerPort);
    assert.equal(redirect.port, expected, JSON.stringify({ scheme, explicitPort, listenerScheme, listenerPort }));
    assert.equal(redirect.scheme, scheme);
    assert.equal('explicitPort' in redirect, false);
  }
});
