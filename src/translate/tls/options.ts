// Listener tls.options (ListenerTLSConfig.options) that Portico reads. The API
// reserves un-prefixed keys for itself and asks implementations for
// domain-prefixed ones; Portico defines:
//
//   portico.dev/min-tls-version: "1.2" (default) or "1.3" — the lowest TLS
//     version a client may use. Listeners sharing a port share one TLS front,
//     so the port uses the highest minimum its listeners ask for.
//   portico.dev/forward-client-cert: "true" or "false" (default) — pass the
//     client certificate's identity, once verified against the Gateway's
//     frontend validation CAs, to backends in request headers.
//
// Other keys are ignored (they may be meant for another implementation); a
// value Portico cannot use for one of its own keys makes the listener
// Accepted=False with reason UnsupportedValue.
import type { IRTlsPortConfig } from '../../ir/types.ts';

export const MIN_TLS_VERSION_OPTION = 'portico.dev/min-tls-version';
export const FORWARD_CLIENT_CERT_OPTION = 'portico.dev/forward-client-cert';

export interface ListenerTlsOptions {
  minVersion?: IRTlsPortConfig['minVersion'];
  forwardClientCert?: boolean;
}

const VERSIONS: Readonly<Record<string, IRTlsPortConfig['minVersion']>> = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false };

export function parseTlsOptions(options: Readonly<Record<string, string>> | undefined): { ok: true; options: ListenerTlsOptions } | { ok: false; message: string } {
  const parsed: ListenerTlsOptions = {};
  const version = options?.[MIN_TLS_VERSION_OPTION];
  if (version !== undefined) {
    const minVersion = Object.hasOwn(VERSIONS, version) ? VERSIONS[version] : undefined;
    if (minVersion === undefined) return { ok: false, message: `tls.options ${MIN_TLS_VERSION_OPTION}: "${version}" is not one of "1.2", "1.3"` };
    parsed.minVersion = minVersion;
  }
  const forward = options?.[FORWARD_CLIENT_CERT_OPTION];
  if (forward !== undefined) {
    const value = Object.hasOwn(BOOLEANS, forward) ? BOOLEANS[forward] : undefined;
    if (value === undefined) return { ok: false, message: `tls.options ${FORWARD_CLIENT_CERT_OPTION}: "${forward}" is not one of "true", "false"` };
    parsed.forwardClientCert = value;
  }
  return { ok: true, options: parsed };
}
