// Portico's TLS defaults for the listeners it terminates.

/**
 * TLS 1.2 suites when a port names none: ECDHE key exchange with AEAD ciphers
 * only (forward secrecy, no CBC, no RSA key transport), ECDSA before RSA,
 * AES-GCM before ChaCha20. The TLS 1.3 suites are OpenSSL's defaults, all
 * AEAD. This is Mozilla's "intermediate" TLS 1.2 list without its DHE entries.
 */
export const MODERN_TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * ALPN offered on ports that terminate TLS to HTTP. HTTP/1.1 only until the
 * HTTP/2 engine lands; then ['h2', 'http/1.1'] (Envoy Gateway's default).
 */
export const HTTP1_ALPN: readonly string[] = ['http/1.1'];

/** How long a TLS handshake may take once the ClientHello is in: the same bound as for the ClientHello itself. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
