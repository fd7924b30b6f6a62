// The HTTP/2 (h2c, prior knowledge) side of one backend endpoint: one
// session, shared by every request to the endpoint (HTTP/2 multiplexes), kept
// across reloads like the HTTP/1.1 pools (the registry keys it by endpoint),
// replaced when it goes away: after the backend's GOAWAY new requests open a
// new session while the old one finishes the streams it accepted; a session
// that fails or closes is forgotten and the next request connects again.
// Idle sessions (no stream for the idle timeout) are closed by the sweep.
import { connect as connectHttp2 } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import type { BackendStream } from './connection.ts';
import { H2UpstreamStream } from './h2-stream.ts';
import type { H2StreamOwner } from './h2-stream.ts';
import { ConnectError } from './pool.ts';
import type { BackendPool, ConnectErrorCode, PoolSettings } from './pool.ts';

type Done = (error: ConnectError | undefined, stream: BackendStream | undefined) => void;

/** Settings Portico sends its backends: no server push (RFC 9113 §8.4; a proxy has nowhere to put it). */
const CLIENT_SETTINGS = { enablePush: false };

class SessionEntry implements H2StreamOwner {
  readonly session: ClientHttp2Session;
  active = 0;
  idleSince: number;
  served = 0;
  readonly #now: () => number;

  constructor(session: ClientHttp2Session, now: () => number) {
    this.session = session;
    this.#now = now;
    this.idleSince = now();
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

export class H2SessionPool implements BackendPool {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly endpoint: string;
  readonly dynamic: boolean;
  readonly #settings: PoolSettings;
  /** The session new requests go to (connecting or connected); undefined when there is none. */
  #current: SessionEntry | undefined;
  /** Sessions that are finishing their streams after a GOAWAY or a retirement. */
  readonly #old = new Set<SessionEntry>();
  #waiters: Done[] = [];
  #retired = false;

  constructor(key: string, address: string, port: number, settings: PoolSettings, dynamic = false) {
    this.key = key;
    this.address = address;
    this.port = port;
    this.endpoint = `${address}:${port}`;
    this.#settings = settings;
    this.dynamic = dynamic;
  }

  get size(): number {
    return (this.#current === undefined ? 0 : 1) + this.#old.size;
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
    this.#waiters.push(done);
    if (entry === undefined) this.#open();
  }

  release(stream: BackendStream): void {
    stream.destroy();
  }

  sweep(now: number): void {
    const timeout = this.#settings.idleTimeoutMs;
    const entry = this.#current;
    if (timeout <= 0 || entry === undefined || entry.active > 0 || !entry.usable) return;
    if (now - entry.idleSince > timeout) {
      this.#current = undefined;
      entry.session.close();
    }
  }

  retire(): void {
    this.#retired = true;
    const entry = this.#current;
    this.#current = undefined;
    // close(): no new streams, the open ones finish, then the session ends.
    if (entry !== undefined) entry.session.close();
    this.#settle(new ConnectError('connect_failed', `endpoint ${this.endpoint} left the configuration`));
  }

  destroy(): void {
    this.#retired = true;
    const entries = [...this.#old];
    if (this.#current !== undefined) entries.push(this.#current);
    this.#current = undefined;
    this.#old.clear();
    for (const entry of entries) entry.session.destroy();
    this.#settle(new ConnectError('connect_failed', `endpoint ${this.endpoint} closed`));
  }

  #open(): void {
    const socket = connectTcp({ host: this.address, port: this.port, noDelay: true });
    const session = connectHttp2(`http://${this.endpoint}`, {
      settings: CLIENT_SETTINGS,
      maxHeaderListPairs: 1024,
      maxSendHeaderBlockLength: this.#settings.maxHeaderBytes,
      createConnection: () => socket,
    });
    const settings = this.#settings;
    const entry = new SessionEntry(session, () => settings.now());
    this.#current = entry;
    let connected = false;
    const timer = this.#settings.connectTimeoutMs > 0
      ? setTimeout(() => {
        if (this.#current === entry) this.#current = undefined;
        session.destroy();
        this.#settle(new ConnectError('connect_timeout', `connecting to ${this.endpoint} timed out`));
      }, this.#settings.connectTimeoutMs)
      : undefined;
    session.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      if (this.#current !== entry) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const done of waiters) done(undefined, new H2UpstreamStream(session, entry, false));
    });
    session.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return; // the streams report their own failures; 'close' follows
      clearTimeout(timer);
      if (this.#current === entry) this.#current = undefined;
      const code: ConnectErrorCode = error.code === 'ECONNREFUSED' ? 'connect_refused' : 'connect_failed';
      this.#settle(new ConnectError(code, `cannot connect to ${this.endpoint}: ${error.code ?? error.message}`, error.code));
    });
    session.on('goaway', () => this.#retireSession(entry));
    session.on('close', () => {
      clearTimeout(timer);
      this.#old.delete(entry);
      if (this.#current === entry) this.#current = undefined;
      if (!connected) this.#settle(new ConnectError('connect_failed', `connection to ${this.endpoint} closed before it was ready`));
    });
    if (this.#retired) session.close();
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
