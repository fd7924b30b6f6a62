import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IRCors } from '../../ir/types.ts';
import { corsDecision, type CorsDecision } from './cors.ts';

// The policies of the HTTPRouteCORS conformance test.
const multiple: IRCors = {
  allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
  allowCredentials: true,
  allowMethods: ['GET', 'OPTIONS'],
  allowHeaders: ['x-header-1', 'x-header-2'],
  exposeHeaders: ['x-header-3', 'x-header-4'],
  maxAgeSeconds: 3600,
};
const wildcardMethods: IRCors = { allowOrigins: ['https://www.foo.com'], allowCredentials: false, allowMethods: ['*'], allowHeaders: [], exposeHeaders: [], maxAgeSeconds: 5 };
const wildcardOrigin: IRCors = { allowOrigins: ['*'], allowCredentials: false, allowMethods: ['PUT'], allowHeaders: [], exposeHeaders: [], maxAgeSeconds: 5 };
const allWildcardsWithCredentials: IRCors = { allowOrigins: ['*'], allowCredentials: true, allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: ['*', 'x-named'], maxAgeSeconds: 5 };
const allWildcards: IRCors = { ...allWildcardsWithCredentials, allowCredentials: false };

const preflight = (origin: string, method: string, headers?: string): string[] =>
  ['Origin', origin, 'Access-Control-Request-Method', method, ...(headers === undefined ? [] : ['Access-Control-Request-Headers', headers])];

/** The decision's headers as a lowercase-name object, for readable expectations. */
function summary(decision: CorsDecision): { kind: string; status?: number; headers?: Record<string, string> } {
  if (decision.kind === 'none') return { kind: 'none' };
  const flat = decision.kind === 'preflight' ? decision.headers : decision.addResponseHeaders;
  const headers: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) headers[(flat[i] as string).toLowerCase()] = flat[i + 1] as string;
  return decision.kind === 'preflight' ? { kind: 'preflight', status: decision.status, headers } : { kind: 'actual', headers };
}

const cases: Array<{ name: string; cors: IRCors; method: string; headers: string[]; expect: ReturnType<typeof summary> }> = [
  {
    name: 'preflight from an exact origin',
    cors: multiple, method: 'OPTIONS', headers: preflight('https://www.foo.com', 'GET', 'x-header-1, x-header-2'),
    expect: { kind: 'preflight', status: 200, headers: {
      'access-control-allow-origin': 'https://www.foo.com', vary: 'Origin', 'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': 'x-header-1, x-header-2',
      'access-control-expose-headers': 'x-header-3, x-header-4', 'access-control-max-age': '3600',
    } },
  },
  {
    name: 'preflight from an origin matching a wildcard, any number of labels deep',
    cors: multiple, method: 'OPTIONS', headers: preflight('https://xpto.www.bar.com', 'GET'),
    expect: { kind: 'preflight', status: 200, headers: {
      'access-control-allow-origin': 'https://xpto.www.bar.com', vary: 'Origin', 'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': 'x-header-1, x-header-2',
      'access-control-expose-headers': 'x-header-3, x-header-4', 'access-control-max-age': '3600',
    } },
  },
  {
    name: 'preflight from an origin not allowed is answered without CORS headers',
    cors: multiple, method: 'OPTIONS', headers: preflight('https://foobar.com', 'GET'),
    expect: { kind: 'preflight', status: 200, headers: {} },
  },
  {
    name: 'the wildcard needs at least one label: https://bar.com is not *.bar.com',
    cors: multiple, method: 'GET', headers: ['Origin', 'https://bar.com'], expect: { kind: 'none' },
  },
  {
    name: 'scheme and port must agree',
    cors: multiple, method: 'GET', headers: ['Origin', 'http://www.foo.com'], expect: { kind: 'none' },
  },
  {
    name: 'a default port written out is the same origin',
    cors: multiple, method: 'GET', headers: ['origin', 'https://www.foo.com:443'],
    expect: { kind: 'actual', headers: { 'access-control-allow-origin': 'https://www.foo.com:443', vary: 'Origin', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-header-3, x-header-4' } },
  },
  {
    name: 'another port is another origin',
    cors: multiple, method: 'GET', headers: ['Origin', 'https://www.foo.com:8443'], expect: { kind: 'none' },
  },
  {
    name: 'actual request from an allowed origin gets the origin echoed, credentials and expose headers',
    cors: multiple, method: 'GET', headers: ['Origin', 'https://www.bar.com', 'access-control-request-method', 'GET'],
    expect: { kind: 'actual', headers: { 'access-control-allow-origin': 'https://www.bar.com', vary: 'Origin', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-header-3, x-header-4' } },
  },
  {
    name: 'actual request from an origin not allowed is left alone',
    cors: multiple, method: 'GET', headers: ['Origin', 'https://foobar.com'], expect: { kind: 'none' },
  },
  {
    name: 'no Origin: not a CORS request, even for OPTIONS with a request method',
    cors: multiple, method: 'OPTIONS', headers: ['Access-Control-Request-Method', 'GET'], expect: { kind: 'none' },
  },
  {
    name: 'OPTIONS without Access-Control-Request-Method is an actual request',
    cors: multiple, method: 'OPTIONS', headers: ['Origin', 'https://www.foo.com'],
    expect: { kind: 'actual', headers: { 'access-control-allow-origin': 'https://www.foo.com', vary: 'Origin', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-header-3, x-header-4' } },
  },
  {
    name: 'allowMethods "*" echoes the requested method; no credentials header when not allowed',
    cors: wildcardMethods, method: 'OPTIONS', headers: preflight('https://www.foo.com', 'POST'),
    expect: { kind: 'preflight', status: 200, headers: { 'access-control-allow-origin': 'https://www.foo.com', vary: 'Origin', 'access-control-allow-methods': 'POST', 'access-control-max-age': '5' } },
  },
  {
    name: 'allowOrigins "*" allows any origin, port included, and echoes it',
    cors: wildcardOrigin, method: 'OPTIONS', headers: preflight('https://foobar.com:12345', 'PUT'),
    expect: { kind: 'preflight', status: 200, headers: { 'access-control-allow-origin': 'https://foobar.com:12345', vary: 'Origin', 'access-control-allow-methods': 'PUT', 'access-control-max-age': '5' } },
  },
  {
    name: 'all wildcards with credentials: echo method and headers, never "*"',
    cors: allWildcardsWithCredentials, method: 'OPTIONS', headers: preflight('https://other.foo.com', 'PUT', 'x-header-1, x-header-2'),
    expect: { kind: 'preflight', status: 200, headers: {
      'access-control-allow-origin': 'https://other.foo.com', vary: 'Origin', 'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'x-header-1, x-header-2',
      'access-control-expose-headers': 'x-named', 'access-control-max-age': '5',
    } },
  },
  {
    name: 'wildcard headers without Access-Control-Request-Headers: no Allow-Headers',
    cors: allWildcardsWithCredentials, method: 'OPTIONS', headers: preflight('https://other.foo.com', 'PUT'),
    expect: { kind: 'preflight', status: 200, headers: {
      'access-control-allow-origin': 'https://other.foo.com', vary: 'Origin', 'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT', 'access-control-expose-headers': 'x-named', 'access-control-max-age': '5',
    } },
  },
  {
    name: 'expose "*" is sent when credentials are not allowed',
    cors: allWildcards, method: 'GET', headers: ['Origin', 'https://other.foo.com'],
    expect: { kind: 'actual', headers: { 'access-control-allow-origin': 'https://other.foo.com', vary: 'Origin', 'access-control-expose-headers': '*, x-named' } },
  },
];

test('CORS decisions (HTTPCORSFilter, HTTPRouteCORS conformance)', () => {
  for (const { name, cors, method, headers, expect } of cases) {
    assert.deepEqual(summary(corsDecision(method, headers, cors)), expect, name);
  }
});
