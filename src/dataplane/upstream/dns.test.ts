import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsCache } from './dns.ts';
import type { LookupFunction } from './dns.ts';

function fakeDns() {
  const pending: Array<{ hostname: string; answer: (addresses: string[] | string) => void }> = [];
  const lookup: LookupFunction = (hostname, callback) => {
    pending.push({
      hostname,
      answer: (addresses) => {
        if (typeof addresses === 'string') callback(Object.assign(new Error(addresses), { code: addresses }), []);
        else callback(null, addresses);
      },
    });
  };
  let now = 1000;
  return { pending, lookup, clock: { now: () => now, advance: (ms: number) => (now += ms) } };
}

function resolveNow(cache: DnsCache, hostname: string): { error: string | undefined; addresses: string[] } | 'waiting' {
  let result: { error: string | undefined; addresses: string[] } | 'waiting' = 'waiting';
  cache.resolve(hostname, (error, addresses) => (result = { error, addresses }));
  return result;
}

describe('DnsCache', () => {
  it('looks a name up once for concurrent requests, then answers from the cache', () => {
    const dns = fakeDns();
    const cache = new DnsCache({ lookup: dns.lookup, now: dns.clock.now, ttlMs: 5000 });
    const answers: string[][] = [];
    cache.resolve('svc.example', (_e, a) => answers.push(a));
    cache.resolve('svc.example', (_e, a) => answers.push(a));
    assert.equal(dns.pending.length, 1);
    dns.pending[0]?.answer(['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(answers, [['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.2']]);
    assert.deepEqual(resolveNow(cache, 'svc.example'), { error: undefined, addresses: ['10.0.0.1', '10.0.0.2'] });
    assert.equal(dns.pending.length, 1);
  });

  it('serves a stale answer while refreshing it in the background', () => {
    const dns = fakeDns();
    const cache = new DnsCache({ lookup: dns.lookup, now: dns.clock.now, ttlMs: 5000 });
    cache.resolve('svc.example', () => {});
    dns.pending[0]?.answer(['10.0.0.1']);
    dns.clock.advance(6000);
    assert.deepEqual(resolveNow(cache, 'svc.example'), { error: undefined, addresses: ['10.0.0.1'] });
    assert.equal(dns.pending.length, 2);
    dns.pending[1]?.answer(['10.0.0.9']);
    assert.deepEqual(resolveNow(cache, 'svc.example'), { error: undefined, addresses: ['10.0.0.9'] });
  });

  it('keeps the last good answer when a refresh fails', () => {
    const dns = fakeDns();
    const cache = new DnsCache({ lookup: dns.lookup, now: dns.clock.now, ttlMs: 5000 });
    cache.resolve('svc.example', () => {});
    dns.pending[0]?.answer(['10.0.0.1']);
    dns.clock.advance(6000);
    resolveNow(cache, 'svc.example');
    dns.pending[1]?.answer('ETIMEOUT');
    assert.deepEqual(resolveNow(cache, 'svc.example'), { error: undefined, addresses: ['10.0.0.1'] });
  });

  it('remembers a failure briefly, then tries again', () => {
    const dns = fakeDns();
    const cache = new DnsCache({ lookup: dns.lookup, now: dns.clock.now, negativeTtlMs: 1000 });
    let first: string | undefined;
    cache.resolve('gone.example', (error) => (first = error));
    dns.pending[0]?.answer('ENOTFOUND');
    assert.equal(first, 'ENOTFOUND');
    assert.deepEqual(resolveNow(cache, 'gone.example'), { error: 'ENOTFOUND', addresses: [] });
    assert.equal(dns.pending.length, 1);
    dns.clock.advance(1500);
    assert.equal(resolveNow(cache, 'gone.example'), 'waiting');
    dns.pending[1]?.answer(['10.0.0.3']);
    assert.deepEqual(resolveNow(cache, 'gone.example'), { error: undefined, addresses: ['10.0.0.3'] });
  });

  it('forgets names no longer configured', () => {
    const dns = fakeDns();
    const cache = new DnsCache({ lookup: dns.lookup, now: dns.clock.now });
    cache.resolve('a.example', () => {});
    dns.pending[0]?.answer(['10.0.0.1']);
    cache.retain(new Set(['b.example']));
    assert.equal(resolveNow(cache, 'a.example'), 'waiting');
  });
});
