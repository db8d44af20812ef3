// The regex source of one known value (known.ts compiles and anchors them):
// names and addresses on word boundaries with any whitespace between words,
// phones by their significant digits, cards/IBANs/SSNs with optional
// separators, emails and IPs literally. docs/scanner.md has the table.

import { digitsOf } from "./checks.ts";
import type { KnownValue } from "./types.ts";

export const WORD = "[\\p{L}\\p{M}\\p{N}_]";
// Scripts written without spaces between words: no word boundary to demand.
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const IS_WORD = new RegExp(`^${WORD}$`, "u");
// Between digits of a known phone. The (unread) capture keeps V8 from
// unrolling "{0,3}" into three copies of the class and of all that follows:
// that made each task's phone regex 70-85 KB of machine code.
const SEP = "(?:([ \\u00a0().\\-/])){0,3}";
/** Capture groups in a value's pattern: SEP holds the only ones (values are escaped). */
export const groups = (p: string) => p.split(SEP).length - 1;
const esc = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

/** Marks a pattern that needs a word boundary on both sides (see BOUNDED use in known.ts). */
export const BOUNDED = "\u0000B";

function textPattern(v: string): string {
  const body = v
    .split(/(\s*,\s*|\s+|['\u2019])/u)
    .map((part, i) =>
      i % 2 === 0 ? esc(part) : /['\u2019]/u.test(part) ? "['\\u2019]" : part.includes(",") ? ",?\\s+" : "\\s+",
    )
    .join("")
    // Turkish dotted/dotless i do not case-fold onto each other ("Yılmaz" vs "YILMAZ").
    .replace(/[iIıİ]/gu, "[iIıİ]");
  const first = v[0] ?? "";
  const last = v[v.length - 1] ?? "";
  const pre = IS_WORD.test(first) && !UNSPACED.test(first);
  const post = IS_WORD.test(last) && !UNSPACED.test(last);
  // Word boundaries on both ends are factored out of the alternation by
  // compile(): two Unicode classes per value make the regex slow to build.
  return pre && post ? `${BOUNDED}${body}` : `${pre ? `(?<!${WORD})` : ""}${body}${post ? `(?!${WORD})` : ""}`;
}

// ITU country-code length from its leading digits (1 and 7 are one digit;
// the listed two-digit codes; everything else three).
const CC2 = /^(?:2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;
const ccLength = (d: string) => (/^[17]/.test(d) ? 1 : CC2.test(d) ? 2 : 3);

/** Digits only, so "+1 (415) 555-0132", "415.555.0132" and "0044 ..." all match. */
function phonePattern(v: string): string | null {
  let d = digitsOf(v);
  const intl = /^\s*(?:\+|00)/.test(v);
  if (intl && d.startsWith("00")) d = d.slice(2);
  const core = intl ? d.slice(ccLength(d)) : d.replace(/^0+/, "");
  if (core.length < 7) return null;
  const join = (s: string) => s.split("").join(SEP);
  // Known country code: "+" optional. Unknown: any "+cc"/"00cc", or NANP "1".
  const cc = intl ? `(?:\\+|00)?${join(d.slice(0, d.length - core.length))}` : "(?:(?:\\+|00)\\d{1,3}|1)";
  // [cc] [(0)|0] core, each part optional, any separators in between.
  return `(?<![\\d+])(?:${cc}${SEP})?(?:(?:\\(0\\)|0)${SEP})?\\(?${join(core)}(?!\\d)`;
}

/** A value's regex source, or null for a value too short to match safely. */
export function patternFor(k: KnownValue): string | null {
  const v = k.value.trim();
  if (v.replace(/[^\p{L}\p{N}]/gu, "").length < 2) return null; // "J." would hit everywhere
  switch (k.kind) {
    case "PHONE":
      return phonePattern(v);
    case "EMAIL":
      return `(?<![\\w.%+\\-])${esc(v)}(?![\\w\\-]|\\.\\w)`;
    case "IP":
      return `(?<![\\w.:])${esc(v)}(?![\\w:]|\\.\\d)`;
    case "CARD":
    case "IBAN":
    case "SSN": {
      const chars = v.replace(/[^\p{L}\p{N}]/gu, "");
      return `(?<!\\w)${chars.split("").map(esc).join("[ \\-\\u00a0]?")}(?!\\w)`;
    }
    default:
      return textPattern(v);
  }
}
