// Prefilters for the known-value regexes: for each known value, a string the
// text must contain for the value's regex to match it. A task sends the same
// known list with every message and most messages hold none of it, so a few
// native String#includes spare the case-insensitive Unicode regex pass. That
// matters beyond the pass itself: each known list has its own regexes, whose
// compiled code (35-85 KB each) would otherwise be run, and pushed through
// the CPU's instruction cache, on every message (docs/scanner.md,
// Throughput). An anchor must be present in every text the regex matches;
// these rules guarantee it, so skipping the regex never changes the output.
import type { PiiKind } from "./types.ts";
import { digitsOf } from "./checks.ts";

// ITU country-code length from its leading digits (1 and 7 are one digit;
// the listed two-digit codes; everything else three).
const CC2 = /^(?:2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;
const ccLength = (d: string) => (/^[17]/.test(d) ? 1 : CC2.test(d) ? 2 : 3);

/** A known phone's digits (country code first) and its subscriber part ("core"). */
export function phoneParts(v: string): { d: string; core: string; intl: boolean } {
  let d = digitsOf(v);
  const intl = /^\s*(?:\+|00)/.test(v);
  if (intl && d.startsWith("00")) d = d.slice(2);
  const core = intl ? d.slice(ccLength(d)) : d.replace(/^0+/, "");
  return { d, core, intl };
}

/**
 * Word-like values (names, addresses, emails, IPs): the longest run of ASCII
 * letters and digits of the lower-cased value, without "i". The regex is
 * case-insensitive (/iu); in that mode an ASCII letter matches itself in
 * either case, "K" (Kelvin sign, which lower-cases to "k") and "ſ" (long s,
 * see mayHold), nothing else; "i" is matched as [iIıİ], which lower-casing
 * does not keep together. Spaces, commas and apostrophes between words match
 * several forms, so a run never spans them. "" when there is no such run
 * (the regex then always runs).
 */
export function wordAnchor(v: string): string {
  let best = "";
  for (const run of v.toLowerCase().split(/[^a-hj-z0-9]+/)) if (run.length > best.length) best = run;
  return best;
}

/**
 * Digit-like values (phones, cards, IBANs, SSNs): the value's ASCII digits
 * (a phone's subscriber part only). Between them the regex allows only
 * separators and the value's own letters, never another digit, so the text's
 * digits, read without everything else, contain this string.
 */
export function digitAnchor(kind: PiiKind, v: string): string {
  return kind === "PHONE" ? phoneParts(v).core : digitsOf(v);
}

/**
 * The text may hold one of the values whose anchors are given ("" holds
 * always). `hasDigit` false: the caller knows the text has no ASCII digit.
 */
export function mayHold(text: string, anchors: readonly string[], digits: boolean, hasDigit = true): boolean {
  if (anchors.includes("")) return true;
  let hay: string;
  if (digits) {
    if (!hasDigit) return false;
    hay = digitsOf(text);
    if (hay === "") return false;
  } else {
    if (text.includes("\u017f")) return true; // "ſ" matches "s" under /iu but does not lower-case to it
    hay = text.toLowerCase();
  }
  for (const a of anchors) if (hay.includes(a)) return true;
  return false;
}
