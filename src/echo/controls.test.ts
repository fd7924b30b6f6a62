import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlError, parseControls } from './controls.ts';
import type { DistinctHeaders } from './controls.ts';

const none = parseControls({});

test('no control headers: a plain 200 echo', () => {
  assert.deepEqual(none, { status: undefined, delayMs: 0, setHeaders: [], bodySize: undefined, close: false, echoBody: false, failFirst: undefined });
});

const accepted: [string, DistinctHeaders, Partial<typeof none>][] = [
  ['status', { 'x-echo-status': ['503'] }, { status: 503 }],
  ['status with spaces', { 'x-echo-status': [' 204 '] }, { status: 204 }],
  ['delay', { 'x-echo-delay-ms': ['200'] }, { delayMs: 200 }],
  ['body size', { 'x-echo-body-size': ['65536'] }, { bodySize: 65536 }],
  ['empty body', { 'x-echo-body-size': ['0'] }, { bodySize: 0 }],
  ['close', { 'x-echo-close': ['1'] }, { close: true }],
  ['close off', { 'x-echo-close': ['0'] }, { close: false }],
  ['echo body', { 'x-echo-echo-body': ['true'] }, { echoBody: true }],
  ['fail first, default key', { 'x-echo-fail-first': ['2'] }, { failFirst: { times: 2, key: undefined } }],
  ['fail first with key', { 'x-echo-fail-first': ['1'], 'x-echo-fail-key': ['abc'] }, { failFirst: { times: 1, key: 'abc' } }],
  // echo-basic's format: comma-separated name:value pairs, on one or more lines.
  ['one header', { 'x-echo-set-header': ['X-Foo: bar'] }, { setHeaders: [['X-Foo', 'bar']] }],
  ['several headers on one line', { 'x-echo-set-header': ['a:1,b:2'] }, { setHeaders: [['a', '1'], ['b', '2']] }],
  ['several lines', { 'x-echo-set-header': ['a:1', 'b: 2'] }, { setHeaders: [['a', '1'], ['b', '2']] }],
  ['repeated name joins values', { 'x-echo-set-header': ['a:1,A:2'] }, { setHeaders: [['a', '1,2']] }],
  ['empty value', { 'x-echo-set-header': ['x-empty:'] }, { setHeaders: [['x-empty', '']] }],
  ['value with a colon', { 'x-echo-set-header': ['location: http://x/y'] }, { setHeaders: [['location', 'http://x/y']] }],
  ['empty items skipped', { 'x-echo-set-header': ['a:1,,'] }, { setHeaders: [['a', '1']] }],
];

for (const [name, headers, expected] of accepted) {
  test(`accepts ${name}`, () => {
    assert.deepEqual(parseControls(headers), { ...none, ...expected });
  });
}

const rejected: [string, DistinctHeaders, RegExp][] = [
  ['status below 200', { 'x-echo-status': ['101'] }, /x-echo-status must be an integer from 200 to 599/],
  ['status above 599', { 'x-echo-status': ['600'] }, /x-echo-status/],
  ['status not a number', { 'x-echo-status': ['abc'] }, /got "abc"/],
  ['status given twice', { 'x-echo-status': ['500', '503'] }, /given more than once/],
  ['negative delay', { 'x-echo-delay-ms': ['-1'] }, /x-echo-delay-ms/],
  ['fractional delay', { 'x-echo-delay-ms': ['1.5'] }, /x-echo-delay-ms/],
  ['delay over the cap', { 'x-echo-delay-ms': ['600001'] }, /x-echo-delay-ms must be an integer from 0 to 600000/],
  ['body size not a number', { 'x-echo-body-size': ['1e3'] }, /x-echo-body-size/],
  ['close with another word', { 'x-echo-close': ['yes'] }, /x-echo-close must be 1 or 0/],
  ['header name with a space', { 'x-echo-set-header': ['bad name: 1'] }, /"bad name" is not a valid header name/],
  ['header without a name', { 'x-echo-set-header': [':1'] }, /not a valid header name/],
  ['framing header', { 'x-echo-set-header': ['Content-Length: 5'] }, /frames the message/],
  ['control character in value', { 'x-echo-set-header': ['a: b\u0001'] }, /not allowed in a header value/],
];

for (const [name, headers, message] of rejected) {
  test(`rejects ${name}`, () => {
    assert.throws(() => parseControls(headers), (error: unknown) => error instanceof ControlError && message.test(error.message));
  });
}
