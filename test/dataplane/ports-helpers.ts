// Helpers for the data plane's TLS, TCP and UDP port tests: IR for an HTTPS
// port (SNI servers, one virtual host and rule per listener hostname), and an
// HTTPS client that reports the certificate it was shown.
import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { IR, IRBackend, IRCertificate, IRGateway, IRHttpPort, IRHttpRule, IRPort, IRTlsServer, IRVirtualHost } from '../../src/ir/types.ts';

export const GATEWAY = 'gateway/default/gw';

export function listenerName(section: string): string {
  return `${GATEWAY}/listener/${section}`;
}

export function server(hostname: string, section: string, certificates: string[], extra: Partial<IRTlsServer> = {}): IRTlsServer {
  return { hostname, listener: listenerName(section), mode: 'http', certificates, ...extra };
}

export interface VhostSpec {
  hostname: string;
  section: string;
  backend: string;
  /** Extra fields for the virtual host's one rule (redirect, ...). */
  rule?: Partial<IRHttpRule>;
}

/** An HTTPS port: `servers` in IRTlsPortConfig, and per spec one virtual host whose "/" goes to `backend`. */
export function httpsPort(port: number, servers: IRTlsServer[], vhosts: VhostSpec[]): IRHttpPort {
  const rules: IRHttpRule[] = vhosts.map((vhost, index) => ({
    name: `httproute/default/r${index}/rule/0`,
    route: { kind: 'HTTPRoute', namespace: 'default', name: `r${index}` },
    mirrors: [],
    backends: [{ weight: 1, backend: vhost.backend }],
    ...vhost.rule,
  }));
  const virtualHosts: IRVirtualHost[] = vhosts.map((vhost, index) => ({
    hostname: vhost.hostname,
    listener: listenerName(vhost.section),
    matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], rule: index }],
  }));
  return { kind: 'http', name: `${GATEWAY}/port/${port}`, port, virtualHosts, rules, tls: { servers, minVersion: 'TLSv1.2' } };
}

/** The same port without TLS: plain HTTP. */
export function plainPort(port: number, vhosts: VhostSpec[]): IRHttpPort {
  const { tls: _tls, ...plain } = httpsPort(port, [], vhosts);
  return plain;
}

export function gatewayIR(ports: IRPort[], backends: IRBackend[], certificates: Record<string, IRCertificate> = {}): IR {
  const gateway: IRGateway = {
    name: GATEWAY,
    namespace: 'default',
    gatewayName: 'gw',
    ports,
    backends: Object.fromEntries(backends.map((backend) => [backend.name, backend])),
    certificates,
  };
  return { gateways: [gateway] };
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The common name of the certificate the server presented. */
  certificate: string | undefined;
}

export interface HttpsOptions extends Pick<ConnectionOptions, 'servername' | 'cert' | 'key' | 'ca' | 'ALPNProtocols'> {
  host?: string;
  path?: string;
  headers?: Record<string, string>;
}

/** One HTTPS request on a fresh connection; the server's certificate is not verified (the tests look at it). */
export function httpsGet(port: number, options: HttpsOptions = {}): Promise<HttpsResponse> {
  const { host, path, headers, ...tls } = options;
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, path: path ?? '/', agent: false, rejectUnauthorized: false, ...tls,
      headers: { host: host ?? options.servername ?? 'example.com', ...headers },
    }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      const certificate = peer.raw === undefined ? undefined : commonNameOf(new X509Certificate(peer.raw));
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), certificate }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request to :${port} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function commonNameOf(certificate: X509Certificate | undefined): string | undefined {
  return certificate?.subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3);
}

/** A TLS connection the test drives with raw HTTP/1.1 (for keep-alive across reloads). */
export async function tlsSocket(port: number, options: ConnectionOptions = {}): Promise<TLSSocket & { received(): string; waitFor(pattern: RegExp): Promise<string> }> {
  const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  let text = '';
  const waiters: Array<() => void> = [];
  const wake = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    wake();
  });
  socket.on('close', wake);
  socket.on('error', () => undefined);
  return Object.assign(socket, {
    received: () => text,
    async waitFor(pattern: RegExp): Promise<string> {
      const deadline = Date.now() + 5_000;
      while (!pattern.test(text)) {
        if (socket.destroyed || Date.now() > deadline) throw new Error(`no ${String(pattern)} in ${JSON.stringify(text)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return text;
    },
  });
}
