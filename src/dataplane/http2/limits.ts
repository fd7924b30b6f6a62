// Limits of the HTTP/2 engine, beyond the HTTP limits it shares with HTTP/1.1
// (the header list size is HttpLimits.maxHeaderBytes; the idle timeout is
// HttpLimits.idleTimeoutMs). Defaults follow Envoy's edge-proxy
// recommendations where they exist (100 concurrent streams, 64 KiB stream
// window, 1 MiB connection window).

export interface Http2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS sent to clients; streams beyond it are refused. */
  maxConcurrentStreams: number;
  /** Initial flow-control window of each stream (what a client may send before Portico reads). */
  streamWindowBytes: number;
  /** Flow-control window of the whole connection. */
  connectionWindowBytes: number;
  /**
   * Rapid reset (CVE-2023-44487): a client that resets more than this many
   * streams before their responses are complete within `resetWindowMs` gets
   * GOAWAY ENHANCE_YOUR_CALM and loses the connection.
   */
  maxResetsPerWindow: number;
  resetWindowMs: number;
  /** A connection whose client sends no SETTINGS (its preface) within this long is closed. */
  settingsTimeoutMs: number;
  /** Malformed frames tolerated per connection before it is closed (nghttp2 counts them). */
  maxInvalidFrames: number;
}

export const DEFAULT_HTTP2_LIMITS: Readonly<Http2Limits> = Object.freeze({
  maxConcurrentStreams: 100,
  streamWindowBytes: 64 * 1024,
  connectionWindowBytes: 1024 * 1024,
  maxResetsPerWindow: 200,
  resetWindowMs: 10_000,
  settingsTimeoutMs: 10_000,
  maxInvalidFrames: 100,
});

export function resolveHttp2Limits(partial: Partial<Http2Limits> | undefined): Http2Limits {
  const limits = { ...DEFAULT_HTTP2_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`HTTP/2 limit ${name} must be a non-negative number, got ${String(value)}`);
  }
  return limits;
}
