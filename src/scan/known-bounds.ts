// Word boundaries of known names and addresses, checked outside their
// regexes (known.ts): "no word character before / after this position",
// exactly as the lookarounds (?<!W) and (?!W) with W = [\p{L}\p{M}\p{N}_] and
// the same "iu" flags would decide, with a table for ASCII and one shared
// regex for the rest (its answers cached per UTF-16 unit of the BMP).

import { WORD } from "./known-patterns.ts";

const ONE = new RegExp(`^${WORD}$`, "iu");
/** 0: not asked yet, 1: a word character, 2: not. */
const seen = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) seen[c] = ONE.test(String.fromCharCode(c)) ? 1 : 2;

function isWord(cp: number): boolean {
  if (cp > 0xffff) return ONE.test(String.fromCodePoint(cp));
  let k = seen[cp] as number;
  if (k === 0) seen[cp] = k = ONE.test(String.fromCharCode(cp)) ? 1 : 2;
  return k === 1;
}

/** A word character ends right before `i` (the code point before it, surrogate pairs read whole). */
export function endsWord(text: string, i: number): boolean {
  if (i <= 0) return false;
  const c = text.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = text.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return isWord((h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000);
  }
  return isWord(c);
}

/** A word character starts at `i`. */
export function startsWord(text: string, i: number): boolean {
  if (i >= text.length) return false;
  return isWord(text.codePointAt(i) as number);
}
