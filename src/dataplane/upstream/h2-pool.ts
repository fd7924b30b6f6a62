// The HTTP/2 side of one backend endpoint — h2c (prior knowledge) or, with a
// BackendTLSPolicy, TLS with ALPN h2 through the same dialing as HTTP/1.1
// (endpoint-pool-base.ts) — one session, shared by every request to the
// endpoint (HTTP/2 multiplexes), kept across reloads like the HTTP/1.1 pools
// (the registry keys it by endpoint and TLS settings), replaced when it goes
// away: after the backend's GOAWAY new requests open a new session while the
// old one finishes the streams it accepted; a session that fails or closes is
// forgotten and the next request connects again. Idle sessions (no stream for
// the idle timeout) are closed by the sweep.
import { connect as connectHttp2 } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { BackendStream } from './connection.ts';
import { ConnectError, EndpointPoolBase } from './endpoint-pool-base.ts';
import type { PoolSettings } from './endpoint-pool-base.ts';
import { H2UpstreamStream } from './h2-stream.ts';
import type { H2StreamOwner } from './h2-stream.ts';
import type { BackendPool } from './pool.ts';
import type { UpstreamTls } from './tls-dialer.ts';

type Done = (error: ConnectError | undefined, stream: BackendStream | undefined) => void;

/** Settings Portico sends its backends: no server push (RFC 9113 §8.4; a proxy has nowhere to put it). */
const CLIENT_SETTINGS = { enablePush: false };
/** Over TLS the backend must pick HTTP/2 (RFC 9113 §3.2); one that only speaks HTTP/1.1 fails the connect. */
const H2 = 'h2';
const H2_ALPN: readonly string[] = [H2];

class SessionEntry implements H2StreamOwner {
  readonly session: ClientHttp2Session;
  active = 0;
  idleSince: number;
  served = 0;
  readonly #now: () => number;
  /** The backend's first SETTINGS frame has arrived ('connect' comes before it). */
  #settingsReceived = false;
  /** Streams waiting for that frame (WebSocket upgrades: extended CONNECT must be announced first). */
  #settingsWaiters: ((received: boolean) => void)[] = [];

  constructor(session: ClientHttp2Session, now: () => number) {
    this.session = session;
    this.#now = now;
    this.idleSince = now();
    session.once('remoteSettings', () => {
      this.#settingsReceived = true;
      this.#wake(true);
    });
    session.once('close', () => this.#wake(false));
  }

  whenRemoteSettings(callback: (received: boolean) => void): void {
    const session = this.session;
    if (this.#settingsReceived || session.closed || session.destroyed) process.nextTick(callback, this.#settingsReceived);
    else this.#settingsWaiters.push(callback);
  }

  #wake(received: boolean): void {
    const waiters = this.#settingsWaiters;
    this.#settingsWaiters = [];
    for (const callback of waiters) callback(received);
  }

  get usable(): boolean {
    const session = this.session;
    return !session.closed && !session.destroyed && !session.connecting;
  }

  streamOpened(): void {
    this.active++;
    this.served++;
  }

  streamClosed(): void {
    this.active--;
    if (this.active === 0) this.idleSince = this.#now();
  }
}

export class H2SessionPool extends EndpointPoolBase implements BackendPool {
  /** The session new requests go to (connecting or connected); undefined when there is none. */
  #current: SessionEntry | undefined;
  /** The connection being opened for the next session. */
  #dialing: Socket | undefined;
  /** Sessions that are finishing their streams after a GOAWAY or a retirement. */
  readonly #old = new Set<SessionEntry>();
  #waiters: Done[] = [];

  constructor(key: string, address: string, port: number, settings: PoolSettings, dynamic = false, tls?: UpstreamTls) {
    super(key, address, port, settings, dynamic, tls);
  }

  get size(): number {
    return (this.#current === undefined ? 0 : 1) + (this.#dialing === undefined ? 0 : 1) + this.#old.size;
  }

  acquire(): BackendStream | undefined {
    const entry = this.#current;
    if (entry === undefined || !entry.usable) return undefined;
    return new H2UpstreamStream(entry.session, entry, entry.served > 0);
  }

  connect(done: Done): void {
    const entry = this.#current;
    if (entry !== undefined && entry.usable) {
      done(undefined, new H2UpstreamStream(entry.session, entry, entry.served > 0));
      return;
    }
    const unusable = this.unusableTls();
    if (unusable !== undefined) {
      queueMicrotask(() => done(unusable, undefined));
      return;
    }
    this.#waiters.push(done);
    if (entry === undefined && this.#dialing === undefined) this.#open();
  }

  release(stream: BackendStream): void {
    stream.destroy();
  }

  sweep(now: number): void {
    const entry = this.#current;
    if (entry === undefined || entry.active > 0 || !entry.usable) return;
    if (this.idleExpired(entry.idleSince, now)) {
      this.#current = undefined;
      entry.session.close();
    }
  }

  retire(): void {
    this.retired = true;
    const entry = this.#current;
    this.#current = undefined;
    // close(): no new streams, the open ones finish, then the session ends.
    if (entry !== undefined) entry.session.close();
    this.#dialing?.destroy();
    this.#dialing = undefined;
    this.#settle(new ConnectError('connect_failed', `endpoint ${this.endpoint} left the configuration`));
  }

  destroy(): void {
    this.retired = true;
    const entries = [...this.#old];
    if (this.#current !== undefined) entries.push(this.#current);
    this.#current = undefined;
    this.#old.clear();
    for (const entry of entries) entry.session.destroy();
    this.#dialing?.destroy();
    this.#dialing = undefined;
    this.#settle(new ConnectError('connect_failed', `endpoint ${this.endpoint} closed`));
  }

  /** Connects (TCP, or TLS where the backend must select h2), then starts the session on that connection. */
  #open(): void {
    const socket = this.dial({ host: this.address, port: this.port, noDelay: true }, H2_ALPN);
    this.#dialing = socket;
    this.whenReady(socket, this.tls === undefined ? undefined : H2, (error) => {
      if (this.#dialing !== socket) {
        socket.destroy(); // retired or destroyed meanwhile: its waiters were told
        return;
      }
      this.#dialing = undefined;
      if (error !== undefined) {
        socket.destroy();
        this.#settle(error);
        return;
      }
      this.#startSession(socket);
    });
  }

  #startSession(socket: Socket): void {
    const session = connectHttp2(`${this.tls === undefined ? 'http' : 'https'}://${this.endpoint}`, {
      settings: CLIENT_SETTINGS,
      maxHeaderListPairs: 1024,
      maxSendHeaderBlockLength: this.settings.maxHeaderBytes,
      createConnection: () => socket,
    });
    const settings = this.settings;
    const entry = new SessionEntry(session, () => settings.now());
    this.#current = entry;
    let connected = false;
    session.once('connect', () => {
      connected = true;
      if (this.#current !== entry) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const done of waiters) done(undefined, new H2UpstreamStream(session, entry, false));
    });
    session.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return; // the streams report their own failures; 'close' follows
      if (this.#current === entry) this.#current = undefined;
      this.#settle(new ConnectError('connect_failed', `HTTP/2 session with ${this.endpoint} failed: ${error.code ?? error.message}`, error.code));
    });
    session.on('goaway', () => this.#retireSession(entry));
    session.on('close', () => {
      this.#old.delete(entry);
      if (this.#current === entry) this.#current = undefined;
      if (!connected) this.#settle(new ConnectError('connect_failed', `connection to ${this.endpoint} closed before it was ready`));
    });
  }

  /** After the backend's GOAWAY: streams it accepted finish here, new ones go to a new session. */
  #retireSession(entry: SessionEntry): void {
    if (this.#current === entry) this.#current = undefined;
    this.#old.add(entry);
  }

  #settle(error: ConnectError): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const done of waiters) done(error, undefined);
  }
}
