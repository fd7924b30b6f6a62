// The ClientHello parser: real hellos from Node's TLS client, hellos split
// across TCP segments and TLS records, hand-made malformed ones, and a bounded
// fuzz run that must never throw.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parseClientHello } from '../../src/dataplane/tls/client-hello.ts';
import type { HelloParse } from '../../src/dataplane/tls/client-hello.ts';
import { alpnExtension, captureClientHello, clientHelloMessage, extension, inRecords, messageOf, seededRandom, serverNameExtension } from './hello-bytes.ts';

const LIMIT = 16_384;

describe('real ClientHellos from Node’s TLS client', () => {
  const cases: Array<{ name: string; options: Parameters<typeof captureClientHello>[0]; serverName: string | undefined; alpn: string[] }> = [
    { name: 'SNI and ALPN', options: { servername: 'a.example.com', ALPNProtocols: ['h2', 'http/1.1'] }, serverName: 'a.example.com', alpn: ['h2', 'http/1.1'] },
    { name: 'no SNI (an IP address is never sent as SNI)', options: {}, serverName: undefined, alpn: [] },
    { name: 'upper-case SNI is lowercased', options: { servername: 'Shop.Example.COM' }, serverName: 'shop.example.com', alpn: [] },
    { name: 'TLS 1.2 only', options: { servername: 'old.example.com', maxVersion: 'TLSv1.2' }, serverName: 'old.example.com', alpn: [] },
    { name: 'a long name and many ALPN protocols', options: { servername: `${'x'.repeat(60)}.${'y'.repeat(60)}.example.com`, ALPNProtocols: ['h2', 'http/1.1', 'spdy/3', 'acme-tls/1'] }, serverName: `${'x'.repeat(60)}.${'y'.repeat(60)}.example.com`, alpn: ['h2', 'http/1.1', 'spdy/3', 'acme-tls/1'] },
  ];
  const captured = new Map<string, Buffer>();
  before(async () => {
    for (const { name, options } of cases) captured.set(name, await captureClientHello(options));
  });

  for (const { name, serverName, alpn } of cases) {
    test(name, () => {
      const bytes = captured.get(name) as Buffer;
      assert.deepEqual(parseClientHello(bytes, LIMIT), { status: 'hello', hello: { serverName, alpn } });
    });
  }

  test('every prefix is incomplete, and the whole parses, however the bytes were split into segments', () => {
    const bytes = captured.get('SNI and ALPN') as Buffer;
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.deepEqual(parseClientHello(bytes.subarray(0, cut), LIMIT), { status: 'incomplete' }, `prefix of ${cut} bytes`);
    }
    assert.equal(parseClientHello(bytes, LIMIT).status, 'hello');
  });

  test('a hello fragmented over several TLS records parses the same, with trailing bytes ignored', () => {
    const bytes = captured.get('SNI and ALPN') as Buffer;
    for (const fragment of [1, 7, 64, 200]) {
      const reframed = inRecords(messageOf(bytes), fragment);
      assert.deepEqual(parseClientHello(Buffer.concat([reframed, Buffer.from('early data')]), LIMIT), { status: 'hello', hello: { serverName: 'a.example.com', alpn: ['h2', 'http/1.1'] } }, `records of ${fragment} bytes`);
      assert.equal(parseClientHello(reframed.subarray(0, reframed.length - 1), LIMIT).status, 'incomplete');
    }
  });

  test('a limit smaller than the hello says too-large, not incomplete', () => {
    const bytes = captured.get('SNI and ALPN') as Buffer;
    assert.equal(parseClientHello(bytes, 100).status, 'too-large');
    assert.equal(parseClientHello(bytes.subarray(0, 20), 100).status, 'too-large');
  });
});

describe('hand-made ClientHellos', () => {
  const malformed = (reason: string): HelloParse => ({ status: 'malformed', reason });
  const hello = (parts: Parameters<typeof clientHelloMessage>[0]): Buffer => inRecords(clientHelloMessage(parts));
  const table: Array<{ name: string; bytes: Buffer; expected: HelloParse | HelloParse['status'] }> = [
    { name: 'no extensions at all', bytes: hello({}), expected: { status: 'hello', hello: { serverName: undefined, alpn: [] } } },
    { name: 'unknown extensions are skipped', bytes: hello({ extensions: [extension(0xfe0d, Buffer.alloc(40)), serverNameExtension('a.b'), extension(43, Buffer.from([2, 3, 4]))] }), expected: { status: 'hello', hello: { serverName: 'a.b', alpn: [] } } },
    { name: 'a server_name list without a host_name entry', bytes: hello({ extensions: [extension(0, Buffer.from([0, 4, 9, 0, 1, 0x61]))] }), expected: { status: 'hello', hello: { serverName: undefined, alpn: [] } } },
    { name: 'underscores pass (real clients send them)', bytes: hello({ extensions: [serverNameExtension('my_host.example.com')] }), expected: { status: 'hello', hello: { serverName: 'my_host.example.com', alpn: [] } } },
    { name: 'plain HTTP', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), expected: 'not-tls' },
    { name: 'an SSLv2-style hello', bytes: Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]), expected: 'not-tls' },
    { name: 'a handshake record of an unknown major version', bytes: Buffer.from([0x16, 0x04, 0x01, 0, 4]), expected: 'not-tls' },
    { name: 'a single 0x16 byte', bytes: Buffer.from([0x16]), expected: 'incomplete' },
    { name: 'an empty handshake record', bytes: Buffer.from([0x16, 3, 1, 0, 0]), expected: malformed('empty handshake record') },
    { name: 'a record longer than 2^14', bytes: Buffer.from([0x16, 3, 1, 0x40, 0x01]), expected: malformed('record longer than 2^14 bytes') },
    { name: 'a record version 3.9', bytes: Buffer.from([0x16, 3, 9, 0, 4, 1, 0, 0, 0]), expected: malformed('unknown record version') },
    { name: 'a ServerHello instead', bytes: inRecords(Buffer.concat([Buffer.from([2]), clientHelloMessage({}).subarray(1)])), expected: malformed('the first handshake message is not a ClientHello') },
    { name: 'an alert record in the middle of the hello', bytes: Buffer.concat([inRecords(clientHelloMessage({}).subarray(0, 10)), Buffer.from([0x15, 3, 3, 0, 2, 2, 40])]), expected: malformed('a record other than handshake interrupts the ClientHello') },
    { name: 'a session id of 33 bytes', bytes: hello({ sessionId: Buffer.alloc(33) }), expected: malformed('session id longer than 32 bytes') },
    { name: 'an odd cipher suite list', bytes: hello({ cipherSuites: Buffer.from([0x13, 0x01, 0xc0]) }), expected: malformed('bad cipher suite list') },
    { name: 'no compression method', bytes: hello({ compression: Buffer.alloc(0) }), expected: malformed('empty compression method list') },
    { name: 'extensions length past the end', bytes: hello({ extensions: [serverNameExtension('a.example.com')], extensionsLength: 200 }), expected: malformed('extensions length does not match the ClientHello') },
    { name: 'extensions length short of the end', bytes: hello({ extensions: [serverNameExtension('a.example.com')], extensionsLength: 3 }), expected: malformed('extensions length does not match the ClientHello') },
    { name: 'two server_name extensions', bytes: hello({ extensions: [serverNameExtension('a.example.com'), serverNameExtension('b.example.com')] }), expected: malformed('duplicate server_name extension') },
    { name: 'two host names in one server_name', bytes: hello({ extensions: [serverNameExtension('a.example.com', 'b.example.com')] }), expected: malformed('two host names in server_name') },
    { name: 'an empty server_name extension', bytes: hello({ extensions: [extension(0, Buffer.alloc(0))] }), expected: malformed('server_name list length mismatch') },
    { name: 'an empty host name', bytes: hello({ extensions: [serverNameExtension('')] }), expected: malformed('host name length out of range') },
    { name: 'a NUL in the host name', bytes: hello({ extensions: [serverNameExtension(Buffer.from('good.example.com\0.evil', 'latin1'))] }), expected: malformed('host name has characters a DNS name cannot have') },
    { name: 'a space in the host name', bytes: hello({ extensions: [serverNameExtension('a b.example.com')] }), expected: malformed('host name has characters a DNS name cannot have') },
    { name: 'a host name of 256 bytes', bytes: hello({ extensions: [serverNameExtension('a'.repeat(256))] }), expected: malformed('host name length out of range') },
    { name: 'a server_name list length that disagrees', bytes: hello({ extensions: [extension(0, Buffer.from([0, 9, 0, 0, 1, 0x61]))] }), expected: malformed('server_name list length mismatch') },
    { name: 'an ALPN protocol of length 0', bytes: hello({ extensions: [extension(16, Buffer.from([0, 3, 0, 1, 0x61]))] }), expected: malformed('bad ALPN extension') },
    { name: 'an empty ALPN list', bytes: hello({ extensions: [extension(16, Buffer.from([0, 0]))] }), expected: malformed('bad ALPN extension') },
    { name: 'two ALPN extensions', bytes: hello({ extensions: [alpnExtension('h2'), alpnExtension('http/1.1')] }), expected: malformed('duplicate ALPN extension') },
    { name: 'an extension longer than what is left', bytes: hello({ extensions: [Buffer.from([0, 0x2b, 0, 50, 1])] }), expected: malformed('extension overruns the ClientHello') },
    { name: 'a message length that runs out inside the body', bytes: inRecords(Buffer.from([1, 0, 0, 4, 3, 3, 0, 0])), expected: malformed('ClientHello truncated') },
    { name: 'a hello announcing 1 MiB', bytes: Buffer.from([0x16, 3, 1, 0, 4, 1, 0x10, 0, 0]), expected: 'too-large' },
  ];
  for (const { name, bytes, expected } of table) {
    test(name, () => {
      const parsed = parseClientHello(bytes, LIMIT);
      if (typeof expected === 'string') assert.equal(parsed.status, expected, JSON.stringify(parsed));
      else assert.deepEqual(parsed, expected);
    });
  }
});

describe('fuzz', () => {
  test('mutated and random inputs always give an outcome, never an exception (seeded, bounded)', async () => {
    const base = await captureClientHello({ servername: 'fuzz.example.com', ALPNProtocols: ['h2', 'http/1.1'] });
    const random = seededRandom(0x5eed);
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 3000; round++) {
      let bytes: Buffer;
      if (round % 10 === 0) {
        bytes = Buffer.alloc(Math.floor(random() * 600));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        if (bytes.length > 1) bytes[0] = 0x16;
        if (bytes.length > 2) bytes[1] = 3;
      } else {
        bytes = Buffer.from(round % 3 === 0 ? inRecords(messageOf(base), 1 + Math.floor(random() * 300)) : base);
        const flips = 1 + Math.floor(random() * 4);
        for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        if (random() < 0.3) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
      }
      let parsed: HelloParse;
      try {
        parsed = parseClientHello(bytes, 1 + Math.floor(random() * LIMIT));
      } catch (error) {
        assert.fail(`round ${round} threw ${String(error)} on ${bytes.toString('hex')}`);
      }
      outcomes.set(parsed.status, (outcomes.get(parsed.status) ?? 0) + 1);
      if (parsed.status === 'hello' && parsed.hello.serverName !== undefined) {
        assert.match(parsed.hello.serverName, /^[a-z0-9._-]{1,255}$/, `round ${round}`);
      }
    }
    // The run exercised more than one path.
    assert.ok((outcomes.get('hello') ?? 0) > 0 && (outcomes.get('malformed') ?? 0) > 0 && (outcomes.get('incomplete') ?? 0) > 0, JSON.stringify([...outcomes]));
  });
});
