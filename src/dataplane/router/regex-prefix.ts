// The literal text every match of a path regex must start with, so that the
// router can skip the regex for paths that do not start with it ("/api/v"
// for "/api/v[0-9]+/.*"). Conservative: when in doubt the prefix is shorter,
// down to '' (no shortcut). RE2 syntax; patterns match the whole path.

const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);
/** Quantifiers that allow zero repetitions of the character before them. */
const OPTIONAL = new Set(['*', '?', '{']);

export function regexLiteralPrefix(pattern: string): string {
  if (hasTopLevelAlternation(pattern)) return '';
  let i = pattern.startsWith('^') ? 1 : 0;
  let prefix = '';
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '\\') {
      // An escaped punctuation character is itself; letters and digits are classes (\d, \w) or special.
      const next = pattern[i + 1];
      if (next === undefined || !isAsciiPunctuation(next)) break;
      prefix += next;
      i += 2;
      continue;
    }
    if (META.has(char) || char.charCodeAt(0) > 0x7e) break;
    prefix += char;
    i++;
  }
  // "ab?" or "ab*": the last character may be absent.
  if (i < pattern.length && OPTIONAL.has(pattern[i] as string)) prefix = prefix.slice(0, -1);
  return prefix;
}

function isAsciiPunctuation(char: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(char);
}

/** Is there a "|" outside every group and character class? Then no single prefix exists. */
function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      if (pattern[i + 1] === 'Q') return true; // \Q...\E quoting: too clever to follow; give up.
      i++;
    } else if (char === '[') {
      i = endOfClass(pattern, i);
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth--;
    } else if (char === '|' && depth <= 0) {
      return true;
    }
  }
  return false;
}

/** The index of the "]" closing the class that opens at `open` ("[]a]", "[^]a]", "[[:alpha:]]" included). */
function endOfClass(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
