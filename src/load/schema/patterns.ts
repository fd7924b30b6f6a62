// The string formats the Gateway API CRDs and Kubernetes use, each with the
// words that explain it in a diagnostic. The expressions follow the `pattern`s
// of the v1.6.1 CRDs (config/crd/experimental); like the API server's, they
// are searched, not implicitly anchored, so the few CRD patterns that are not
// fully anchored (protocol, address type) behave as they do in a cluster.
// Lengths are always checked before a pattern runs (see str() in dsl.ts).
import type { Pattern } from './dsl.ts';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;

function pattern(source: string, describe: string, flags = ''): Pattern {
  return { re: new RegExp(source, flags), describe };
}

/** RFC 1123 subdomain, lowercase (PreciseHostname, SectionName, rule names). */
export const DNS_SUBDOMAIN = pattern(
  `^${SUBDOMAIN}$`,
  "a lowercase RFC 1123 name: letters a-z, digits, '-' and '.', starting and ending with a letter or digit",
);

/** Hostname with an optional leading wildcard label (Hostname). */
export const HOSTNAME = pattern(
  `^(\\*\\.)?${SUBDOMAIN}$`,
  "a lowercase hostname such as \"example.com\", optionally starting with a \"*.\" wildcard label (no IP addresses, ports or trailing dot)",
);

/** RFC 1123 label (namespace names). */
export const DNS_LABEL = pattern(`^${LABEL}$`, "a lowercase RFC 1123 label: letters a-z, digits and '-', starting and ending with a letter or digit");

/** RFC 1035 label (Service names): must start with a letter. */
export const DNS1035_LABEL = pattern(
  '^[a-z]([-a-z0-9]*[a-z0-9])?$',
  "a lowercase RFC 1035 label: letters a-z, digits and '-', starting with a letter and ending with a letter or digit",
);

/** API group: empty for the core group. */
export const GROUP = pattern(`^$|^${SUBDOMAIN}$`, 'an API group: "" for the core group, or a lowercase DNS name such as "gateway.networking.k8s.io"');

export const KIND = pattern('^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$', "a kind: a letter followed by letters, digits or '-'");

/** HTTP header name: RFC 7230 token characters. */
export const HEADER_NAME = pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$", 'an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~)');

/**
 * HTTP header value: visible ASCII, single spaces or tabs between words, no
 * leading or trailing space. Only the experimental channel's CRDs carry this
 * pattern (the standard channel checks length only); Portico validates against
 * the experimental channel throughout, as it serves its fields. The CRD writes this as ^[!-~]+([\t ]?[!-~]+)*$,
 * which backtracks exponentially in a JavaScript engine; this form accepts
 * exactly the same strings and is linear.
 */
export const HEADER_VALUE = pattern(
  '^[!-~]+(?:[\\t ][!-~]+)*$',
  'visible ASCII characters, with single spaces or tabs between words and no leading or trailing space',
);

/** GEP-2257 duration. */
export const DURATION = pattern(
  '^([0-9]{1,5}(h|m|s|ms)){1,4}$',
  'a duration such as "10s", "1m30s" or "500ms": one to four parts of up to 5 digits followed by h, m, s or ms',
);

/** Characters allowed in an Exact or PathPrefix path (and ExternalAuth path prefixes). */
export const URL_PATH = pattern(
  "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$",
  "letters, digits, -/._~!$&'()*+,;=:@ and %XX escapes",
);

export const CONTROLLER_NAME = pattern(
  `^${SUBDOMAIN}\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$`,
  'a domain-prefixed path such as "example.com/gateway-controller"',
);

export const PROTOCOL = pattern(
  `^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|${SUBDOMAIN}\\/[A-Za-z0-9]+$`,
  'a protocol name such as HTTP, HTTPS, TLS, TCP or UDP, or a domain-prefixed name such as "example.com/proto"',
);

export const ADDRESS_TYPE = pattern(
  `^Hostname|IPAddress|NamedAddress|${SUBDOMAIN}\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$`,
  'IPAddress, Hostname, NamedAddress, or a domain-prefixed type such as "example.com/custom"',
);

export const CORS_ORIGIN = pattern(
  '(^\\*$)|(^(http(s)?):\\/\\/(((\\*\\.)?([a-zA-Z0-9\\-]+\\.)*[a-zA-Z0-9-]+|\\*)(:([0-9]{1,5}))?)$)',
  '"*" or an origin such as "https://example.com", "https://*.example.com" or "http://example.com:8080" (scheme, host and optional port only)',
);

export const SAN_URI = pattern(
  '^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\\?([^#]*))?(#(.*))?',
  'an absolute URI with a scheme and an authority, such as "spiffe://example.org/workload"',
);

export const WELL_KNOWN_CA = pattern(
  `^(System|(${SUBDOMAIN}/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$`,
  '"System" or a domain-prefixed name such as "example.com/bundle"',
);

export const GRPC_SERVICE = pattern('^\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$', 'a gRPC service name such as "foo.bar.Service" (letters, digits, \'_\' and \'.\')', 'i');
export const GRPC_METHOD = pattern('^[A-Za-z_][A-Za-z_0-9]*$', "a gRPC method name (letters, digits and '_', not starting with a digit)");

/** Label and annotation keys: an optional DNS-subdomain prefix and "/", then a name of up to 63 characters. */
export const QUALIFIED_NAME = pattern(
  `^(${SUBDOMAIN}/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$`,
  'an optional DNS-name prefix and "/" followed by a name of up to 63 letters, digits, \'-\', \'_\' or \'.\' that starts and ends with a letter or digit',
);

export const LABEL_VALUE = pattern(
  '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
  "empty, or up to 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit",
);

/** Secret and ConfigMap data keys. */
export const CONFIG_KEY = pattern('^[-._a-zA-Z0-9]+$', "a key made of letters, digits, '-', '_' and '.'");

/** RFC 3339 date-time (metadata.creationTimestamp). */
export const DATE_TIME = pattern(
  '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$',
  'an RFC 3339 time such as "2024-05-01T12:00:00Z"',
);

/** Checks a label or annotation key as Kubernetes does (QUALIFIED_NAME plus a prefix length limit). */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? '' : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix.length > 253) return 'the prefix before "/" must be at most 253 characters';
  if (name.length > 63) return 'the name after the prefix must be at most 63 characters';
  if (!QUALIFIED_NAME.re.test(key)) return `must be ${QUALIFIED_NAME.describe}`;
  return undefined;
}

/** Milliseconds in a GEP-2257 duration (already matching DURATION). */
export function durationMs(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/([0-9]+)(ms|h|m|s)/g)) total += Number(amount) * (units[unit ?? 's'] ?? 0);
  return total;
}

/** IANA service name (named container ports): at most 15 characters, at least one letter, no "--". */
export function ianaServiceNameProblem(value: string): string | undefined {
  if (value.length > 15) return 'a port name must be at most 15 characters';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value)) return "a port name must be lowercase letters, digits and '-', starting and ending with a letter or digit";
  if (!/[a-z]/.test(value)) return 'a port name must contain at least one letter';
  if (value.includes('--')) return 'a port name must not contain "--"';
  return undefined;
}
