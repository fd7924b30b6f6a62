// New TLS connections as fast as one core makes them, the server name cycling
// through a list: `concurrency` connections in flight, each closed as soon as
// the server's side of its handshake is complete (its session ticket arrived:
// a client that closed at its own Finished could leave that message unsent,
// and the server's handshake undone), the next one started then. wrk and h2load
// send one SNI for a whole run, which would measure one certificate only.
//
// The client never offers a session (every handshake is a full one) and does
// not verify the chain (that is the client's cost, not the proxy's), unless
// `checkNames` asks that every name be answered by a certificate for it.
import { performance } from 'node:perf_hooks';
import { connect, createSecureContext } from 'node:tls';
import { percentile } from '../stats.ts';

/** A server that sends no session ticket: its connection is dropped this long after the client's side completed. */
const TICKET_WAIT_MS = 1_000;

export interface HandshakeOptions {
  port: number;
  names: readonly string[];
  concurrency: number;
  /** Run for this long, cycling through the names... */
  seconds?: number;
  /** ...or handshake each name exactly once (a cold pass). */
  eachNameOnce?: boolean;
  /** The name to start the cycle at (rounds start at different names). */
  startAt?: number;
  /** Check that each name was answered by a certificate valid for it (costs the client a certificate parse). */
  checkNames?: boolean;
}

export interface HandshakeResult {
  handshakes: number;
  failures: number;
  /** Handshakes that completed with a certificate not valid for the name asked (checkNames only). */
  wrongCertificates: number;
  seconds: number;
  perSecond: number;
  /** The client's own CPU over the run's length (near 1: the client, on its one core, was the limit). */
  clientBusy: number;
  latencyMs: { p50: number; p99: number };
  /** The first failure's message, to say why. */
  firstError?: string;
}

export function runHandshakes(options: HandshakeOptions): Promise<HandshakeResult> {
  const { names, concurrency } = options;
  if (names.length === 0) throw new Error('no server names');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = options.seconds === undefined ? Number.POSITIVE_INFINITY : started + options.seconds * 1000;
  const total = options.eachNameOnce ? names.length : Number.POSITIVE_INFINITY;
  let next = options.startAt ?? 0;
  let issued = 0;
  let active = 0;
  let failures = 0;
  let wrongCertificates = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  // One context for every connection: without it each connect builds its own
  // (and loads the system's root certificates), which costs more than the handshake.
  const secureContext = createSecureContext();
  return new Promise((resolve) => {
    const more = (): boolean => issued < total && performance.now() < deadline;
    const done = (): void => {
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const sorted = latencies.sort((a, b) => a - b);
      resolve({
        handshakes: latencies.length, failures, wrongCertificates, seconds, perSecond: latencies.length / seconds,
        clientBusy: (cpu.user + cpu.system) / 1e6 / seconds,
        latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
        ...(firstError === undefined ? {} : { firstError }),
      });
    };
    const launch = (): void => {
      while (active < concurrency && more()) {
        const name = names[next++ % names.length] as string;
        issued++;
        active++;
        const began = performance.now();
        const socket = connect({ host: '127.0.0.1', port: options.port, servername: name, secureContext, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
        let secured = false;
        let failed = false;
        let ticket = false;
        let wait: NodeJS.Timeout | undefined;
        const fail = (error: Error): void => {
          if (secured || failed) return;
          failed = true;
          failures++;
          firstError ??= `${name}: ${error.message}`;
        };
        // The server sends its session ticket once it has the client's
        // Finished: the handshake is complete on both sides, the socket can go.
        socket.once('session', () => {
          ticket = true;
          if (secured) socket.destroy();
        });
        socket.once('secureConnect', () => {
          secured = true;
          latencies.push(performance.now() - began);
          if (options.checkNames && socket.getPeerX509Certificate()?.checkHost(name) === undefined) wrongCertificates++;
          if (ticket) socket.destroy();
          else wait = setTimeout(() => socket.destroy(), TICKET_WAIT_MS);
        });
        socket.on('error', (error: Error) => {
          fail(error);
          socket.destroy();
        });
        // The slot is free once the connection is gone.
        socket.once('close', () => {
          clearTimeout(wait);
          fail(new Error('closed before the handshake completed'));
          active--;
          if (more()) launch();
          else if (active === 0) done();
        });
      }
      if (active === 0) done();
    };
    launch();
  });
}
