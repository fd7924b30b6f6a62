// Gateway API durations (GEP-2257): one to four components, each one to five
// decimal digits followed by h, m, s or ms; the value is the sum of the
// components (units may repeat). "0" and "" are invalid; "0s" is zero.

const GEP_2257 = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const COMPONENT = /([0-9]{1,5})(ms|h|m|s)/g;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds, or undefined when `text` is not a GEP-2257 duration. */
export function parseDuration(text: string): number | undefined {
  if (!GEP_2257.test(text)) return undefined;
  let total = 0;
  for (const [, digits, unit] of text.matchAll(COMPONENT)) {
    total += Number(digits) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return total;
}
