import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TICKET_ROTATION_MS, TicketRotation, ticketRotationMs } from './ticket-rotation.ts';

const cases: { env: string | undefined; expected: number | RegExp }[] = [
  { env: undefined, expected: DEFAULT_TICKET_ROTATION_MS },
  { env: '', expected: DEFAULT_TICKET_ROTATION_MS },
  { env: '3600', expected: 3_600_000 },
  { env: '1', expected: 1_000 },
  { env: '0', expected: /whole number of seconds/ },
  { env: '1.5', expected: /whole number of seconds/ },
  { env: '12h', expected: /got "12h"/ },
];

for (const { env, expected } of cases) {
  test(`PORTICO_TICKET_ROTATION_SECONDS=${JSON.stringify(env)}`, () => {
    const read = (): number => ticketRotationMs(env === undefined ? {} : { PORTICO_TICKET_ROTATION_SECONDS: env });
    if (expected instanceof RegExp) assert.throws(read, expected);
    else assert.equal(read(), expected);
  });
}

test('the default period is 12 hours', () => {
  assert.equal(DEFAULT_TICKET_ROTATION_MS, 12 * 60 * 60 * 1000);
});

test('each rotation draws a new 48-byte secret and hands it on; stop() ends the schedule', async () => {
  const seen: Buffer[] = [];
  const rotation = new TicketRotation(5, (secret) => seen.push(secret));
  const first = rotation.secret;
  assert.equal(first.length, 48);
  await new Promise((resolve) => setTimeout(resolve, 60));
  rotation.stop();
  const count = seen.length;
  assert.ok(count >= 2, `rotated ${count} times`);
  assert.ok(seen.every((secret, i) => secret.length === 48 && !secret.equals(i === 0 ? first : seen[i - 1] as Buffer)));
  assert.equal(rotation.secret, seen[count - 1]);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(seen.length, count, 'no rotation after stop()');
});
