// How the primary ships an IR to a worker: as a delta against the IR that
// worker already serves, not the whole IR again. The Translator hands back
// the very same objects for the parts a change did not touch, so the primary
// can tell by identity what the worker already holds; it names each such part
// by a number instead of sending it. The parts worth naming are the IR's
// units of change: Gateways, ports, backends and certificates (by their
// stable names in a Gateway), rules and virtual hosts of an HTTP port, and
// the matches of a virtual host. A one-route change to 5,000 routes then
// ships the changed rule and a list of numbers, not 5,000 rules.
//
// The worker rebuilds the IR from the delta with its own copies of the named
// parts, so what did not change is the same object there too, and its data
// plane's compile cache (dataplane/proxy/config-cache.ts) reuses what it
// compiled for it instead of compiling the whole IR again.
//
// A delivery is atomic: decode() builds the new IR and the worker's next
// table without touching the current ones, and commit() makes them current
// only once the data plane took the IR. Each delivery names the delivery it
// is based on; a worker holding another one (or none: a restarted worker)
// refuses it with STALE_BASE, and the primary sends the whole IR.
import type { IR, IRBackend, IRCertificate, IRGateway, IRHttpMatch, IRHttpPort, IRHttpRule, IRPort, IRVirtualHost } from '../ir/types.ts';

/** A part: a number the worker knows it by, or its content with the number it is known by from now on. */
export type WireNode<T> = { ref: number } | { id: number; value: T };

export type WireVirtualHost = Omit<IRVirtualHost, 'matches'> & { matches: WireNode<IRHttpMatch>[] };
export type WireHttpPort = Omit<IRHttpPort, 'rules' | 'virtualHosts'> & { rules: WireNode<IRHttpRule>[]; virtualHosts: WireNode<WireVirtualHost>[] };
export type WirePort = Exclude<IRPort, IRHttpPort> | WireHttpPort;
export type WireGateway = Omit<IRGateway, 'ports' | 'backends' | 'certificates'> & {
  ports: WireNode<WirePort>[];
  backends: Record<string, WireNode<IRBackend>>;
  certificates?: Record<string, WireNode<IRCertificate>>;
};

export interface IRDelivery {
  /** This delivery's number (from 1). */
  serial: number;
  /** The delivery this one is a delta against; 0: none, every part is sent. */
  base: number;
  gateways: WireNode<WireGateway>[];
}

/** The error text a worker answers with when a delivery's base is not what it holds. */
export const STALE_BASE = 'stale IR base';

/** The numbers below each part that has parts (a Gateway, an HTTP port, a virtual host). */
type Below = WeakMap<object, readonly number[]>;

/** Sends parts: a part the receiver holds (or got earlier in this delivery) as its number. */
interface EncodeRun {
  held: ReadonlySet<number> | undefined;
  sent: Set<number>;
}

/** The primary's side: numbers parts and writes deliveries. */
export class IREncoder {
  readonly #ids = new WeakMap<object, number>();
  readonly #below: Below = new WeakMap();
  /** Per IR delivered: its serial and every part number in it (what a worker that took it holds). */
  readonly #delivered = new WeakMap<IR, { serial: number; ids: ReadonlySet<number> }>();
  /** The last delivery written, reused for the next worker on the same base. */
  #last: { ir: IR; base: IR | undefined; delivery: IRDelivery } | undefined;
  #nextId = 1;
  #nextSerial = 1;

  /** `ir` as a delta against `base` (the IR the worker holds, if it holds one this encoder delivered). */
  encode(ir: IR, base?: IR): IRDelivery {
    if (this.#last !== undefined && this.#last.ir === ir && this.#last.base === base) return this.#last.delivery;
    const from = base === undefined ? undefined : this.#delivered.get(base);
    const run: EncodeRun = { held: from?.ids, sent: new Set() };
    const ids: number[] = [];
    const gateways = ir.gateways.map((gateway) => this.#node(gateway, run, ids, (below) => this.#gateway(gateway, run, below)));
    // The same IR delivered again keeps its serial: a worker holding it holds exactly these parts.
    const serial = this.#delivered.get(ir)?.serial ?? this.#nextSerial++;
    this.#delivered.set(ir, { serial, ids: new Set(ids) });
    const delivery: IRDelivery = { serial, base: from?.serial ?? 0, gateways };
    this.#last = { ir, base, delivery };
    return delivery;
  }

  #node<T extends object, W>(object: T, run: EncodeRun, out: number[], inline: (below: number[]) => W): WireNode<W> {
    let id = this.#ids.get(object);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(object, id);
    }
    out.push(id);
    if (run.held?.has(id) === true || run.sent.has(id)) {
      const below = this.#below.get(object);
      if (below !== undefined) for (const inner of below) out.push(inner);
      return { ref: id };
    }
    run.sent.add(id);
    const below: number[] = [];
    const value = inline(below);
    if (below.length > 0) {
      this.#below.set(object, below);
      for (const inner of below) out.push(inner);
    }
    return { id, value };
  }

  #gateway(gateway: IRGateway, run: EncodeRun, below: number[]): WireGateway {
    const { certificates, ...rest } = gateway;
    const wire: WireGateway = {
      ...rest,
      ports: gateway.ports.map((port) => this.#node(port, run, below, (inner) => this.#port(port, run, inner))),
      backends: mapRecord(gateway.backends, (backend) => this.#node(backend, run, below, () => backend)),
    };
    if (certificates !== undefined) wire.certificates = mapRecord(certificates, (certificate) => this.#node(certificate, run, below, () => certificate));
    return wire;
  }

  #port(port: IRPort, run: EncodeRun, below: number[]): WirePort {
    if (port.kind !== 'http') return port;
    return {
      ...port,
      rules: port.rules.map((rule) => this.#node(rule, run, below, () => rule)),
      virtualHosts: port.virtualHosts.map((vhost) => this.#node(vhost, run, below, (inner) => ({
        ...vhost,
        matches: vhost.matches.map((match) => this.#node(match, run, inner, () => match)),
      }))),
    };
  }
}

/** What a decoded delivery becomes once the data plane has taken it. */
export interface DecodedIR {
  ir: IR;
  serial: number;
  /** Every part of `ir` by its number: the worker's table once committed. */
  parts: Map<number, object>;
}

interface DecodeRun {
  /** Parts sent in this delivery, by number. */
  sent: Map<number, object>;
  parts: Map<number, object>;
}

/** The worker's side: the parts of the IR it serves, and deliveries turned back into IRs. */
export class IRDecoder {
  #serial = 0;
  #parts = new Map<number, object>();
  readonly #below: Below = new WeakMap();

  /** The IR a delivery describes, against what was last committed; throws STALE_BASE when it is based on something else. */
  decode(delivery: IRDelivery): DecodedIR {
    if (delivery.base !== 0 && delivery.base !== this.#serial) throw new Error(`${STALE_BASE}: the delivery is based on ${delivery.base}, this worker holds ${this.#serial}`);
    const run: DecodeRun = { sent: new Map(), parts: new Map() };
    const gateways = delivery.gateways.map((node) => this.#node(node, run, (wire, below) => this.#gateway(wire, run, below)));
    return { ir: { gateways }, serial: delivery.serial, parts: run.parts };
  }

  /** The decoded IR serves now: later deliveries are deltas against it. */
  commit(decoded: DecodedIR): void {
    this.#serial = decoded.serial;
    this.#parts = decoded.parts;
  }

  #node<W, T extends object>(node: WireNode<W>, run: DecodeRun, build: (wire: W, below: number[]) => T): T {
    if ('ref' in node) {
      const object = (run.sent.get(node.ref) ?? this.#parts.get(node.ref)) as T | undefined;
      if (object === undefined) throw new Error(`${STALE_BASE}: part ${node.ref} is not held`);
      run.parts.set(node.ref, object);
      for (const inner of this.#below.get(object) ?? []) run.parts.set(inner, this.#parts.get(inner) ?? (run.sent.get(inner) as object));
      return object;
    }
    const below: number[] = [];
    const object = build(node.value, below);
    if (below.length > 0) this.#below.set(object, below);
    run.sent.set(node.id, object);
    run.parts.set(node.id, object);
    return object;
  }

  /** Collects into `below` the numbers of the parts under the one being built. */
  #child<W, T extends object>(node: WireNode<W>, run: DecodeRun, below: number[], build: (wire: W, inner: number[]) => T): T {
    const object = this.#node(node, run, build);
    below.push('ref' in node ? node.ref : node.id);
    for (const inner of this.#below.get(object) ?? []) below.push(inner);
    return object;
  }

  #gateway(wire: WireGateway, run: DecodeRun, below: number[]): IRGateway {
    const { certificates, ...rest } = wire;
    const gateway: IRGateway = {
      ...rest,
      ports: wire.ports.map((port) => this.#child(port, run, below, (value, inner) => this.#port(value, run, inner))),
      backends: mapRecord(wire.backends, (backend) => this.#child(backend, run, below, (value: IRBackend) => value)),
    };
    if (certificates !== undefined) gateway.certificates = mapRecord(certificates, (certificate) => this.#child(certificate, run, below, (value: IRCertificate) => value));
    return gateway;
  }

  #port(wire: WirePort, run: DecodeRun, below: number[]): IRPort {
    if (wire.kind !== 'http') return wire;
    return {
      ...wire,
      rules: wire.rules.map((rule) => this.#child(rule, run, below, (value: IRHttpRule) => value)),
      virtualHosts: wire.virtualHosts.map((vhost) => this.#child(vhost, run, below, (value, inner) => ({
        ...value,
        matches: value.matches.map((match) => this.#child(match, run, inner, (m: IRHttpMatch) => m)),
      }))),
    };
  }
}

function mapRecord<A, B>(record: Record<string, A>, map: (value: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const key of Object.keys(record)) out[key] = map(record[key] as A);
  return out;
}
