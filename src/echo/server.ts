// The built-in echo backend (`portico echo`, and `startEcho` for tests): answers
// every HTTP request with a JSON description of what it received (see
// describe.ts) and echoes WebSocket messages. Request headers steer the answer,
// so a test can ask one backend for any behaviour it needs:
//
//   x-echo-status: 503          answer with this status (200-599)
//   x-echo-delay-ms: 200        wait this long before answering (at most 600000)
//   x-echo-set-header: a:1,b:2  add response headers (echo-basic's format)
//   x-echo-body-size: 65536     answer with exactly this many bytes (see patternBody)
//   x-echo-echo-body: 1         stream the request body back as it arrives
//   x-echo-close: 1             reset the connection instead of answering
//   x-echo-fail-first: 2        fail the first 2 attempts (reset, or x-echo-status
//   x-echo-fail-key: abc        when given) of requests with this key (default: the
//                               method and target), then answer 200: for retries
//
// A malformed control is answered 400 with {"message"} naming it. Node's http
// server is used on purpose: this is a test and demo backend, simplicity first.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { digestBody, writePatternBody } from './body.ts';
import { ControlError, parseControls } from './controls.ts';
import type { EchoControls } from './controls.ts';
import { describeRequest } from './describe.ts';
import type { EchoIdentity } from './describe.ts';
import { refuseUntrustedClient } from './tls.ts';
import type { EchoTlsOptions } from './tls.ts';
import { acceptWebSocket, isWebSocketUpgrade } from './websocket.ts';

export interface EchoOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Reported as `name`; also the default `service` and `pod` prefix. Default "echo". */
  name?: string;
  namespace?: string;
  /** Default `<name>-<port>`, so backends sharing a name stay distinguishable. */
  pod?: string;
  service?: string;
  ingress?: string;
  /** Serve HTTPS (and wss) with this certificate; `url` then starts with https. */
  tls?: EchoTlsOptions;
}

export interface EchoServer {
  port: number;
  /** http(s)://<host>:<port>, with a loopback host when bound to a wildcard address. */
  url: string;
  /** Stops listening and drops open connections (HTTP and WebSocket). */
  close(): Promise<void>;
  /** Requests received so far, WebSocket upgrades and failed attempts included. */
  readonly requests: number;
}

// Bounds the fail-first bookkeeping: clients must not grow our maps without limit.
const MAX_FAIL_KEYS = 10_000;

/** Counts attempts per key; an attempt "fails" while fewer than `times` have. */
class AttemptCounter {
  readonly #counts = new Map<string, number>();

  shouldFail(key: string, times: number): boolean {
    const seen = this.#counts.get(key) ?? 0;
    if (seen >= times) return false;
    this.#counts.delete(key);
    this.#counts.set(key, seen + 1);
    if (this.#counts.size > MAX_FAIL_KEYS) this.#counts.delete(this.#counts.keys().next().value as string);
    return true;
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  // An x-echo-set-header content type wins: tests may need to pose as another kind of backend.
  if (!response.hasHeader('content-type')) response.setHeader('content-type', 'application/json');
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.writeHead(status);
  response.end(body);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEcho(options: EchoOptions = {}): Promise<EchoServer> {
  const host = options.host ?? '127.0.0.1';
  const attempts = new AttemptCounter();
  const stopping = new AbortController();
  const upgraded = new Set<Duplex>();
  let requests = 0;

  // Listen first: the pod name defaults to one that includes the port.
  const tls = options.tls;
  const server: Server = tls
    ? createTlsServer({ shouldUpgradeCallback: isWebSocketUpgrade, cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.ca !== undefined, rejectUnauthorized: false })
    : createServer({ shouldUpgradeCallback: isWebSocketUpgrade });
  if (tls?.ca !== undefined) server.on('secureConnection', refuseUntrustedClient);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const name = options.name ?? 'echo';
  const identity: EchoIdentity = {
    name,
    namespace: options.namespace ?? '',
    ingress: options.ingress ?? '',
    service: options.service ?? name,
    pod: options.pod ?? `${name}-${port}`,
  };

  async function answer(request: IncomingMessage, response: ServerResponse, controls: EchoControls): Promise<void> {
    const fail = controls.failFirst;
    const failing = fail !== undefined && attempts.shouldFail(fail.key ?? `${request.method} ${request.url}`, fail.times);
    const delay = (): Promise<void> => (controls.delayMs > 0 ? sleep(controls.delayMs, undefined, { signal: stopping.signal }) : Promise.resolve());
    // With fail-first, x-echo-status describes the failure; the success after it is a 200.
    const status = (failing || !fail ? controls.status : undefined) ?? 200;
    for (const [name, value] of controls.setHeaders) response.setHeader(name, value);

    if (controls.echoBody && !controls.close && !failing) {
      await delay();
      if (!response.hasHeader('content-type')) response.setHeader('content-type', request.headers['content-type'] ?? 'application/octet-stream');
      const length = request.headers['content-length'];
      if (length !== undefined) response.setHeader('content-length', length);
      response.writeHead(status);
      await pipeline(request, response);
      return;
    }
    const body = await digestBody(request);
    await delay();
    if (controls.close || (failing && controls.status === undefined)) {
      request.socket.resetAndDestroy();
      return;
    }
    if (controls.bodySize !== undefined) {
      if (!response.hasHeader('content-type')) response.setHeader('content-type', 'application/octet-stream');
      response.setHeader('content-length', controls.bodySize);
      response.writeHead(status);
      // HEAD: the length is the answer; generating a body nobody receives would only burn time.
      if (request.method === 'HEAD') response.end();
      else await writePatternBody(response, controls.bodySize);
      return;
    }
    sendJson(response, status, describeRequest(request, identity, body));
  }

  function onRequest(request: IncomingMessage, response: ServerResponse): void {
    requests += 1;
    let controls: EchoControls;
    try {
      controls = parseControls(request.headersDistinct);
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      request.resume();
      sendJson(response, 400, { message: error.message });
      return;
    }
    answer(request, response, controls).catch((error: unknown) => {
      // The client went away or the server is stopping: nothing left to tell anyone.
      if (response.headersSent || stopping.signal.aborted) response.destroy();
      else sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  }

  server.on('request', onRequest);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    requests += 1;
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    acceptWebSocket(request, socket, head);
  });

  let closed: Promise<void> | undefined;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`,
    get requests() {
      return requests;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        stopping.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      });
      return closed;
    },
  };
}
