// Heads and local bodies are byte strings (one char per byte, written as
// latin1): what a client or backend sent passes through byte for byte. Text
// from the configuration that may reach the wire (header edits, redirects,
// rewrites, CORS, direct response bodies) is converted to the byte string of
// its UTF-8 encoding once, when the configuration is compiled. Configuration
// is almost always ASCII, whose byte string is itself, so the rule object is
// returned unchanged then.
import type { IRHttpRule, IRWeightedBackend } from '../../ir/types.ts';

function byteString(text: string): string {
  return isAscii(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** The rule with every string that may be written to a client or backend as a byte string. */
export function wireRule(rule: IRHttpRule): IRHttpRule {
  const parts = [rule.requestHeaders, rule.responseHeaders, rule.redirect, rule.rewrite, rule.cors, rule.directResponse,
    ...rule.backends.map((share) => [share.requestHeaders, share.responseHeaders])];
  if (!hasNonAscii(parts)) return rule;
  return {
    ...rule,
    requestHeaders: toBytes(rule.requestHeaders),
    responseHeaders: toBytes(rule.responseHeaders),
    redirect: toBytes(rule.redirect),
    rewrite: toBytes(rule.rewrite),
    cors: toBytes(rule.cors),
    directResponse: toBytes(rule.directResponse),
    backends: rule.backends.map((share): IRWeightedBackend => ({
      ...share,
      requestHeaders: toBytes(share.requestHeaders),
      responseHeaders: toBytes(share.responseHeaders),
    })),
  };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function hasNonAscii(value: unknown): boolean {
  if (typeof value === 'string') return !isAscii(value);
  if (Array.isArray(value)) return value.some(hasNonAscii);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasNonAscii);
  return false;
}

/** A copy of plain data with every string converted. */
function toBytes<T>(value: T): T {
  if (typeof value === 'string') return byteString(value) as T;
  if (Array.isArray(value)) return value.map(toBytes) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toBytes(item)])) as T;
  }
  return value;
}
