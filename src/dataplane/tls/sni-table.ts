// Server name → TLS server entry, as IRTlsPortConfig.servers describes: the
// exact name first, then the longest matching wildcard ("*.example.com"
// matches any name ending in ".example.com", one label or more, as Gateway
// API listener hostnames do), then "*", which also takes clients that send no
// server name. Every step is a hash lookup, so the cost depends on the number
// of labels in the name, never on the number of entries; lookups only read
// the maps (a client's name never grows them).

export interface SniTable<T> {
  /** The entry for `serverName` (lowercase, as the ClientHello parser gives it), or undefined: refuse the handshake. */
  select(serverName: string | undefined): T | undefined;
}

export function compileSniTable<T extends { hostname: string }>(entries: readonly T[]): SniTable<T> {
  const exact = new Map<string, T>();
  /** Keyed by the suffix a wildcard matches, dot included: "*.example.com" → ".example.com". */
  const wildcard = new Map<string, T>();
  let any: T | undefined;
  for (const entry of entries) {
    const hostname = entry.hostname.toLowerCase();
    // translate() keeps patterns distinct per port; the first entry wins if not.
    if (hostname === '*') any ??= entry;
    else if (hostname.startsWith('*.')) {
      if (!wildcard.has(hostname.slice(1))) wildcard.set(hostname.slice(1), entry);
    } else if (!exact.has(hostname)) exact.set(hostname, entry);
  }
  return {
    select(serverName) {
      if (serverName === undefined || serverName.length === 0) return any;
      const found = exact.get(serverName);
      if (found !== undefined) return found;
      if (wildcard.size > 0) {
        // The first dot after a non-empty label gives the longest suffix.
        for (let dot = serverName.indexOf('.', 1); dot !== -1; dot = serverName.indexOf('.', dot + 1)) {
          const match = wildcard.get(serverName.slice(dot));
          if (match !== undefined) return match;
        }
      }
      return any;
    },
  };
}
