// Resource limits and timeouts of the HTTP/1.1 engine. Defaults follow what
// Envoy Gateway configures Envoy with where it sets one (60 KiB of request
// headers, 10 s connect timeout) and common proxy practice otherwise.

export interface HttpLimits {
  /** Largest request or response head in bytes; a bigger request head is answered 431. */
  maxHeaderBytes: number;
  /** Time from a request's first byte (or the connection's start) to its complete head (slowloris guard). */
  headerTimeoutMs: number;
  /**
   * A keep-alive connection with no request in progress is closed after this
   * long; so is one whose client has stopped reading its response.
   */
  idleTimeoutMs: number;
  /** A request body that stops arriving for this long is cut off (408, or the connection is closed). */
  bodyIdleTimeoutMs: number;
  /** Connecting to a backend endpoint fails after this long (→ 503). */
  connectTimeoutMs: number;
  /** Idle keep-alive connections to a backend endpoint are closed after this long. */
  upstreamIdleTimeoutMs: number;
  /** At most this many idle connections are kept per backend endpoint. */
  maxIdlePerEndpoint: number;
  /** Request bodies up to this size are kept so a retry can resend them; larger bodies are not retried. */
  retryBufferBytes: number;
  /** Request bodies up to this size are copied to mirrors; a mirror of a larger body is abandoned. */
  mirrorBodyBytes: number;
  /**
   * Request bytes held while the backend connection is being set up, before
   * the client is paused (backpressure).
   */
  pendingBodyBytes: number;
  /**
   * A request body the proxy does not forward (the request was answered
   * directly) is read and dropped up to this size to keep the connection; a
   * bigger one closes the connection.
   */
  discardBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxHeaderBytes: 60 * 1024,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  bodyIdleTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  upstreamIdleTimeoutMs: 30_000,
  maxIdlePerEndpoint: 1024,
  retryBufferBytes: 64 * 1024,
  mirrorBodyBytes: 1024 * 1024,
  pendingBodyBytes: 64 * 1024,
  discardBodyBytes: 64 * 1024,
});

export function resolveLimits(partial: Partial<HttpLimits> | undefined): HttpLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`limit ${name} must be a non-negative number, got ${String(value)}`);
  }
  return limits;
}
