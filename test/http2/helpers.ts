// HTTP/2 test clients and backends: node:http2 sessions to the data plane
// (h2c prior knowledge or TLS with ALPN h2), one-shot requests that collect
// the status, headers, body and trailers, and h2c backends.
import { once } from 'node:events';
import { connect, createServer } from 'node:http2';
import type { ClientHttp2Session, Http2Server, IncomingHttpHeaders, OutgoingHttpHeaders, SecureClientSessionOptions, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';

export interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: IncomingHttpHeaders;
  /** RST_STREAM code when the stream was reset (0 when it ended cleanly). */
  rstCode: number;
}

/** A session to 127.0.0.1:port: h2c with prior knowledge, or TLS when `tls` is given. */
export async function h2Session(port: number, tls?: SecureClientSessionOptions): Promise<ClientHttp2Session> {
  const session = tls === undefined ? connect(`http://127.0.0.1:${port}`) : connect(`https://127.0.0.1:${port}`, { ALPNProtocols: ['h2'], ...tls });
  session.on('error', () => {});
  await once(session, 'connect');
  return session;
}

/** One request on `session`; resolves when the stream closes. */
export function h2Request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: string | Buffer): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':authority': 'example.com', ...headers }, { endStream: body === undefined });
    const response: H2Response = { status: 0, headers: {}, body: '', trailers: {}, rstCode: 0 };
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      response.status = Number(h[':status']);
      response.headers = h;
    });
    stream.on('trailers', (t: IncomingHttpHeaders) => { response.trailers = t; });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.setTimeout(10_000, () => stream.close());
    stream.on('close', () => {
      response.body = Buffer.concat(chunks).toString();
      response.rstCode = stream.rstCode ?? 0;
      if (response.status === 0 && response.rstCode === 0) reject(new Error('stream closed without a response'));
      else resolve(response);
    });
    if (body !== undefined) stream.end(body);
  });
}

export interface H2Backend {
  port: number;
  server: Http2Server;
  /** Request headers seen, in order. */
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** An h2c backend; `handler` answers each stream. */
export async function startH2Backend(handler: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<H2Backend> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    seen.push(headers);
    stream.on('error', () => {});
    handler(stream, headers);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    server,
    seen,
    async close() {
      for (const session of sessions) session.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
