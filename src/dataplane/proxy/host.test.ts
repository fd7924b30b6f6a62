import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeHost } from './host.ts';

describe('normalizeHost', () => {
  const table: Array<[string, string]> = [
    ['example.com', 'example.com'],
    ['Example.COM', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['example.com.', 'example.com'],
    ['EXAMPLE.com.:443', 'example.com'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['10.0.0.1:80', '10.0.0.1'],
    ['', ''],
  ];
  for (const [input, expected] of table) it(`"${input}" → "${expected}"`, () => assert.equal(normalizeHost(input), expected));
});
