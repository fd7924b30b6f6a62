// Long-lived traffic that must survive route changes: a WebSocket exchanging
// messages through the proxy, and an HTTP/2 connection sending requests one
// after another. Each counts what went wrong instead of retrying.
import { connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';

export interface WebSocketTally {
  sent: number;
  echoed: number;
  /** Closes and errors the bench did not ask for. */
  disconnects: number;
  errors: string[];
}

/** Opens a WebSocket through the proxy and sends a numbered message every `intervalMs`, expecting each echoed back. */
export async function startWebSocketExchange(url: string, intervalMs = 20): Promise<{ stop(): Promise<WebSocketTally> }> {
  const tally: WebSocketTally = { sent: 0, echoed: 0, disconnects: 0, errors: [] };
  const socket = new WebSocket(url);
  let closing = false;
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`WebSocket to ${url} did not open`)), { once: true });
  });
  const note = (error: string): void => {
    if (tally.errors.length < 10) tally.errors.push(error);
  };
  socket.addEventListener('message', (event) => {
    // Messages come back in order: anything else is a lost or mangled message.
    if (String(event.data) === `m${tally.echoed}`) tally.echoed++;
    else note(`expected echo m${tally.echoed}, got ${String(event.data).slice(0, 40)}`);
  });
  socket.addEventListener('error', () => {
    if (!closing) note('WebSocket error');
  });
  socket.addEventListener('close', (event) => {
    if (!closing) {
      tally.disconnects++;
      note(`closed by the other side (code ${event.code})`);
    }
  });
  const timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(`m${tally.sent}`);
    tally.sent++;
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      // Give the last messages time to come back.
      for (let waited = 0; tally.echoed < tally.sent && waited < 2_000 && socket.readyState === WebSocket.OPEN; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      closing = true;
      socket.close();
      return tally;
    },
  };
}

export interface Http2Tally {
  requests: number;
  failures: number;
  /** The connection ended (GOAWAY or close) while the bench still used it. */
  sessionLost: boolean;
  errors: string[];
}

function http2Get(session: ClientHttp2Session, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ...headers });
    stream.setTimeout(5_000, () => stream.close());
    let status = 0;
    stream.on('response', (response) => (status = Number(response[':status'])));
    stream.on('data', () => undefined);
    stream.on('end', () => (status === 0 ? reject(new Error('the connection closed without an HTTP/2 answer')) : resolve(status)));
    stream.on('close', () => (status === 0 ? reject(new Error('the connection closed without an HTTP/2 answer')) : undefined));
    stream.on('error', reject);
    stream.end();
  });
}

/** Why HTTP/2 cannot be used on a cleartext port (prior knowledge, "h2c"), or undefined when a request works. */
export async function h2cProblem(port: number, headers: Record<string, string>): Promise<string | undefined> {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  try {
    const status = await Promise.race([
      http2Get(session, headers),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no HTTP/2 answer within 2 s')), 2_000)),
    ]);
    return status >= 200 && status < 400 ? undefined : `an HTTP/2 request was answered ${status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    session.destroy();
  }
}

/** One HTTP/2 connection sending requests one after another until stopped. */
export function startHttp2Stream(port: number, headers: Record<string, string>): { stop(): Promise<Http2Tally> } {
  const tally: Http2Tally = { requests: 0, failures: 0, sessionLost: false, errors: [] };
  const session = connect(`http://127.0.0.1:${port}`);
  let stopping = false;
  session.on('error', (error: Error) => tally.errors.push(error.message));
  session.on('close', () => {
    if (!stopping) tally.sessionLost = true;
  });
  const loop = (async () => {
    while (!stopping && !session.closed && !session.destroyed) {
      try {
        const status = await http2Get(session, headers);
        tally.requests++;
        if (status < 200 || status >= 400) tally.failures++;
      } catch (error) {
        if (stopping) break;
        tally.failures++;
        if (tally.errors.length < 10) tally.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      session.close();
      return tally;
    },
  };
}
