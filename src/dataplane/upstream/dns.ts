// Name resolution for ExternalName backends. Answers are cached for a short
// TTL (5 s, Envoy's default DNS refresh rate for STRICT_DNS clusters, which is
// what Envoy Gateway uses for them); a stale answer is served while a refresh
// runs in the background, concurrent lookups of one name share one query, and
// a failure is remembered briefly so a dead name is not queried per request.
// Only names from the configuration are ever looked up (never client input).
import { lookup as dnsLookup } from 'node:dns';

export type LookupFunction = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: string[]) => void,
) => void;

interface Entry {
  addresses: string[];
  error: string | undefined;
  expiresAt: number;
  refreshing: boolean;
  waiters: Array<(error: string | undefined, addresses: string[]) => void>;
}

const defaultLookup: LookupFunction = (hostname, callback) => {
  dnsLookup(hostname, { all: true }, (error, results) => {
    callback(error, error === null ? results.map((result) => result.address) : []);
  });
};

export class DnsCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #lookup: LookupFunction;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; negativeTtlMs?: number; lookup?: LookupFunction; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#negativeTtlMs = options.negativeTtlMs ?? 1000;
    this.#lookup = options.lookup ?? defaultLookup;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The addresses of `hostname`. Calls back synchronously when a cached
   * answer exists (refreshing it in the background once stale), otherwise
   * after the lookup. `error` is set when the name did not resolve.
   */
  resolve(hostname: string, callback: (error: string | undefined, addresses: string[]) => void): void {
    const entry = this.#entries.get(hostname);
    if (entry !== undefined && (entry.addresses.length > 0 || entry.error !== undefined)) {
      if (this.#now() >= entry.expiresAt) this.#refresh(hostname, entry);
      if (entry.addresses.length > 0 || !entry.refreshing) {
        callback(entry.addresses.length > 0 ? undefined : entry.error, entry.addresses);
        return;
      }
      entry.waiters.push(callback);
      return;
    }
    if (entry !== undefined) {
      entry.waiters.push(callback);
      return;
    }
    const created: Entry = { addresses: [], error: undefined, expiresAt: 0, refreshing: false, waiters: [callback] };
    this.#entries.set(hostname, created);
    this.#refresh(hostname, created);
  }

  /** Forgets names that are no longer configured. */
  retain(hostnames: ReadonlySet<string>): void {
    for (const hostname of this.#entries.keys()) if (!hostnames.has(hostname)) this.#entries.delete(hostname);
  }

  #refresh(hostname: string, entry: Entry): void {
    if (entry.refreshing) return;
    entry.refreshing = true;
    this.#lookup(hostname, (error, addresses) => {
      entry.refreshing = false;
      if (error === null && addresses.length > 0) {
        entry.addresses = addresses;
        entry.error = undefined;
        entry.expiresAt = this.#now() + this.#ttlMs;
      } else if (entry.addresses.length === 0) {
        entry.error = error?.code ?? 'ENOTFOUND';
        entry.expiresAt = this.#now() + this.#negativeTtlMs;
      } else {
        // Keep serving the last good answer; try again soon.
        entry.expiresAt = this.#now() + this.#negativeTtlMs;
      }
      const waiters = entry.waiters;
      entry.waiters = [];
      for (const waiter of waiters) waiter(entry.addresses.length > 0 ? undefined : entry.error, entry.addresses);
    });
  }
}
