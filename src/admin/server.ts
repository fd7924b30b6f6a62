// The admin endpoint: /readyz, /healthz, /status, /config, /metrics. Bound to
// 127.0.0.1 unless told otherwise; never on the traffic path.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ControlState } from '../control/loop.ts';

export interface AdminOptions {
  port: number;
  host?: string;
  state: () => ControlState;
  /** True once the data plane serves the current configuration. */
  ready: () => boolean;
  metrics?: Registry;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(options: AdminOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n');
  const path = (req.url ?? '/').split('?')[0];
  const state = options.state();
  switch (path) {
    case '/healthz':
      return sendText(res, 200, 'ok\n');
    case '/readyz':
      return options.ready() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n');
    case '/status':
      return sendJson(res, 200, state.statuses);
    case '/config':
      return sendJson(res, 200, {
        version: state.version,
        lastError: state.lastError,
        diagnostics: state.diagnostics,
        ir: state.ir ?? null,
      });
    case '/metrics':
      if (!options.metrics) return sendText(res, 404, 'metrics disabled\n');
      return sendText(res, 200, await options.metrics.metrics(), options.metrics.contentType);
    default:
      return sendText(res, 404, 'not found: try /readyz /healthz /status /config /metrics\n');
  }
}

export async function startAdmin(options: AdminOptions): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, `${String(error)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
