// Shared parts of the TLS front door tests: IR builders for TLS ports, a front
// door whose HTTP hand-off answers with what it was handed, and a TLS client
// that reports what it saw (the server's certificate, the answer, the error).
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { IRBackend, IRCertificate, IRHttpPort, IRTlsPortConfig, IRTlsServer } from '../../src/ir/types.ts';
import { TlsFrontDoor } from '../../src/dataplane/tls/front-door.ts';
import type { FrontDoorServices, TerminatedConnection } from '../../src/dataplane/tls/front-door.ts';
import { serveOnLoopback, services } from './helpers.ts';

export function tlsServer(hostname: string, mode: IRTlsServer['mode'], certificates: string[], extra: Partial<IRTlsServer> = {}): IRTlsServer {
  const section = hostname === '*' ? 'any' : hostname.replaceAll('*', 'wild');
  return { hostname, listener: `gateway/default/gw/listener/${section}`, mode, certificates, ...extra };
}

export function tlsPort(servers: IRTlsServer[], extra: Partial<IRTlsPortConfig> = {}): IRHttpPort {
  return { kind: 'http', name: 'gateway/default/gw/port/0', port: 0, virtualHosts: [], rules: [], tls: { servers, minVersion: 'TLSv1.2', ...extra } };
}

/** What the HTTP hand-off answers on the terminated connection (JSON, then close). */
export interface HandoffReport {
  listener: string;
  serverName: string | null;
  alpn: string | null;
  verified: boolean | null;
  subject: string | null;
  uris: string[] | null;
  dnsNames: string[] | null;
  sha256: string | null;
}

export interface RunningFrontDoor {
  door: TlsFrontDoor;
  port: number;
  handoffs: TerminatedConnection[];
  /** Stops accepting, then drains the door for up to `drainMs`. */
  close(drainMs: number): Promise<void>;
}

export async function startFrontDoor(port: IRHttpPort, gateway: { backends?: Record<string, IRBackend>; certificates?: Record<string, IRCertificate> }, extra: Partial<FrontDoorServices> = {}): Promise<RunningFrontDoor> {
  const handoffs: TerminatedConnection[] = [];
  const door = new TlsFrontDoor(port, { backends: gateway.backends ?? {}, certificates: gateway.certificates }, {
    ...services(),
    onHttp(connection) {
      handoffs.push(connection);
      const identity = connection.clientCertificate?.identity;
      const report: HandoffReport = {
        listener: connection.server.listener,
        serverName: connection.serverName ?? null,
        alpn: connection.alpnProtocol ?? null,
        verified: connection.clientCertificate?.verified ?? null,
        subject: identity?.subject ?? null,
        uris: identity?.uris ?? null,
        dnsNames: identity?.dnsNames ?? null,
        sha256: identity?.sha256 ?? null,
      };
      connection.socket.end(JSON.stringify(report));
    },
    ...extra,
  });
  const served = await serveOnLoopback(door);
  return { door, port: served.port, handoffs, close: (drainMs) => served.close(drainMs) };
}

export interface TlsOutcome {
  /** The server's certificate as the client saw it. */
  certificate: X509Certificate | undefined;
  /** Everything received before the connection closed. */
  text: string;
  /** The client's error code, if the connection failed. */
  error: string | undefined;
  protocol: string | null;
  sessionReused: boolean;
  /** The last session the server sent (for resumption). */
  session: Buffer | undefined;
}

/**
 * Connects with TLS to 127.0.0.1:`port`, sends `send` (if any) and reads until
 * the server closes. Certificates are not verified unless the options ask:
 * the tests look at which certificate was presented.
 */
export function tlsExchange(port: number, options: ConnectionOptions & { send?: string; halfClose?: boolean } = {}): Promise<TlsOutcome> {
  const { send, halfClose, ...tlsOptions } = options;
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...tlsOptions });
    let text = '';
    let error: string | undefined;
    let certificate: X509Certificate | undefined;
    let session: Buffer | undefined;
    let protocol: string | null = null;
    let sessionReused = false;
    socket.on('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      if (peer.raw !== undefined) certificate = new X509Certificate(peer.raw);
      protocol = socket.getProtocol();
      sessionReused = socket.isSessionReused();
      if (send !== undefined) {
        if (halfClose === true) socket.end(send);
        else socket.write(send);
      }
    });
    socket.on('session', (ticket: Buffer) => {
      session = ticket;
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('error', (failure: NodeJS.ErrnoException) => {
      error ??= failure.code ?? failure.message;
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve({ certificate, text, error, protocol, sessionReused, session }));
  });
}

/** The common name of a certificate ("CN=x" line of its subject). */
export function commonName(certificate: X509Certificate | undefined): string | undefined {
  return certificate?.subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3);
}
