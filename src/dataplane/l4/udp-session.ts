// One UDP client (source address and port) bound to one backend endpoint
// through its own connected socket: the socket's port tells the backend's
// replies apart from other clients', and connect() makes the kernel drop
// datagrams from anyone but that endpoint.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Destination } from './stream-target.ts';

/** Datagrams held per session while its upstream socket connects; more are dropped. */
export const MAX_PENDING_DATAGRAMS = 32;

export interface SessionOwner {
  /** The backend answered: send `message` back to the client. */
  reply(session: UdpSession, message: Buffer): void;
  /** The session's socket failed: forget the session. */
  failed(session: UdpSession, error: Error): void;
  /** A datagram was dropped because the session was still connecting with a full queue. */
  droppedPending(): void;
}

export class UdpSession {
  readonly key: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** Set once a destination is picked. */
  destination: Destination | undefined;
  /** Clock time of the last datagram either way. */
  lastActive: number;
  readonly #owner: SessionOwner;
  #socket: Socket | undefined;
  #connected = false;
  #pending: Buffer[] = [];
  #closed = false;

  constructor(key: string, clientAddress: string, clientPort: number, now: number, owner: SessionOwner) {
    this.key = key;
    this.clientAddress = clientAddress;
    this.clientPort = clientPort;
    this.lastActive = now;
    this.#owner = owner;
  }

  /** Opens the session's socket to `destination`; queued datagrams go once it is connected. */
  open(destination: Destination): void {
    if (this.#closed) return;
    this.destination = destination;
    const { address, port } = destination.endpoint;
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    this.#socket = socket;
    socket.on('message', (message: Buffer) => this.#owner.reply(this, message));
    socket.on('error', (error) => this.#owner.failed(this, error));
    socket.connect(port, address, () => {
      this.#connected = true;
      const pending = this.#pending;
      this.#pending = [];
      for (const message of pending) this.#send(message);
    });
  }

  /** Forwards a client datagram (queued until the socket is connected). */
  send(message: Buffer): void {
    if (this.#closed) return;
    if (this.#connected) this.#send(message);
    else if (this.#pending.length < MAX_PENDING_DATAGRAMS) this.#pending.push(message);
    else this.#owner.droppedPending();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#socket?.close();
  }

  #send(message: Buffer): void {
    // A send error (e.g. ECONNREFUSED after an ICMP port unreachable) loses
    // this datagram only, as UDP would; the session stays until it idles out.
    this.#socket?.send(message, ignoreSendError);
  }
}

function ignoreSendError(): void {
  // Deliberately empty: see #send.
}
