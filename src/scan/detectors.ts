// Pattern detectors: one table, one row per format. Each row is a linear-time
// regex (bounded quantifiers, no nested unbounded repeats) plus a cheap gate
// that skips the scan when the text cannot contain a hit, plus a validator
// (Luhn, mod-97, octet ranges, context cues) that may reject or trim it.
import type { PiiKind, Span } from "./types.ts";
import {
  digitsOf, ibanLength, ibanMod97, idCueBefore, isIpv6, luhn, phoneCueBefore, versionCueBefore,
} from "./checks.ts";

export interface Detector {
  readonly name: string;
  readonly kind: PiiKind;
  /** Prefilter: the text has fewer digits than any hit of this row needs. */
  readonly minDigits: number;
  /** Prefilter: a character every hit contains ("@", ":", "+", "("), or "". */
  readonly needs: string;
  /** Append every accepted hit in `text` to `out` (in text order). */
  readonly find: (text: string, out: Span[]) => void;
}

/** Returns the accepted length of candidate `m` at `start` (may trim), 0 to reject. */
type Accept = (text: string, start: number, m: string) => number;

function regexRow(
  name: string, kind: PiiKind, minDigits: number, needs: string, re: RegExp, accept: Accept,
): Detector {
  const find = (text: string, out: Span[]): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const len = accept(text, m.index, m[0]);
      if (len > 0) out.push({ start: m.index, end: m.index + len, kind, value: m[0].slice(0, len) });
    }
  };
  return { name, kind, minDigits, needs, find };
}

/**
 * Greedy digit-group regexes can swallow a following number ("… 0958 2024").
 * Try the whole candidate, then each shorter prefix ending at a group end,
 * and keep the longest one whose digits satisfy `ok`.
 */
function longestGroupPrefix(m: string, ok: (digits: string) => boolean): number {
  for (let end = m.length; end > 0; end = lastSep(m, end)) {
    if (ok(digitsOf(m.slice(0, end)))) return end;
  }
  return 0;
}
function lastSep(m: string, end: number): number {
  for (let i = end - 1; i > 0; i--) {
    const c = m.charCodeAt(i);
    if (c < 48 || c > 57) {
      // step over a run of separators ("- ", ") ") to the previous digit
      while (i > 0 && !isDigit(m.charCodeAt(i - 1))) i--;
      return i;
    }
  }
  return 0;
}
const isDigit = (c: number) => c >= 48 && c <= 57;
const len = (lo: number, hi: number) => (d: string) => d.length >= lo && d.length <= hi;

// ---- EMAIL: expand around each "@" instead of a regex, which would rescan
// every long word that has no "@" (quadratic on base64 blobs).
const isLocal = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isHost = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 45;
// Image/file names like "icon@2x.png" look like addresses; these are not TLDs.
const FILE_EXT = /^(?:png|jpe?g|gif|svg|webp|bmp|ico|pdf|js|mjs|ts|tsx|css|html?|json|txt|csv|zip|gz|tgz|lock)$/i;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function findEmails(text: string, out: Span[]): void {
  let floor = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let s = at;
    while (s > floor && isLocal(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++; // a sentence dot is not part of the local part
    let e = at + 1;
    while (e < text.length && isHost(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const local = text.slice(s, at);
    const labels = text.slice(at + 1, e).split(".");
    const tld = labels[labels.length - 1] ?? "";
    if (
      local.length === 0 || local.length > 64 || local.endsWith(".") || local.includes("..") ||
      labels.length < 2 || !labels.every((l) => LABEL.test(l)) ||
      !/^[A-Za-z]{2,24}$/.test(tld) || FILE_EXT.test(tld)
    ) continue;
    out.push({ start: s, end: e, kind: "EMAIL", value: text.slice(s, e) });
    floor = e;
  }
}

// ---- IPv6: like emails, expand around each ":" (a regex whose first part is
// optional would be attempted at every position), then parse with isIpv6.
const isHexDigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isWordChar = (c: number) => isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;

function findIpv6(text: string, out: Span[]): void {
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) {
    let s = at;
    while (s > 0 && (isHexDigit(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === 58)) s--;
    let e = at + 1;
    for (let c = text.charCodeAt(e); isHexDigit(c) || c === 58 || c === 46; c = text.charCodeAt(++e));
    while (text.charCodeAt(e - 1) === 46) e--; // sentence dot
    const prev = text.charCodeAt(s - 1); // NaN at the edges: fine
    const ok = !isWordChar(prev) && prev !== 46 && !isWordChar(text.charCodeAt(e)) && isIpv6(text.slice(s, e));
    if (ok) out.push({ start: s, end: e, kind: "IP", value: text.slice(s, e) });
    at = Math.max(at, e - 1); // the rest of this run is decided
  }
}

const SEP = "[ .\\-\\u00a0]"; // separators inside phone numbers (incl. no-break space)

export const DETECTORS: readonly Detector[] = [
  { name: "email", kind: "EMAIL", minDigits: 0, needs: "@", find: findEmails },

  // +CC then 7-15 more digits, single separators, optional "(0)"/"(415)" groups.
  regexRow("phone-intl", "PHONE", 8, "+",
    new RegExp(`\\+\\d(?<![\\w+]\\+\\d)(?:${SEP}?(?:\\(\\d{1,4}\\)|\\d)){6,16}(?!\\d)`, "g"),
    (_t, _s, m) => longestGroupPrefix(m, len(8, 15))),

  // "(415) 555-0132", "(020) 7946 0958", "(11) 91234-5678"
  regexRow("phone-paren", "PHONE", 9, "(",
    new RegExp(`(?<![\\w)])\\(\\d{2,4}\\)${SEP}?\\d{3,5}${SEP}?\\d{4}(?![\\w]|[.\\-]\\d)`, "g"),
    (_t, _s, m) => m.length),

  // NANP "415-555-0132", "415.555.0132", "1-800-555-0199": one separator used throughout.
  regexRow("phone-nanp", "PHONE", 10, "",
    /(?<![\w.+\-])(?:1[ .\-])?[2-9]\d{2}([ .\-])[2-9]\d{2}\1\d{4}(?![\w]|[.\-]\d)/g,
    (t, s, m) => (idCueBefore(t, s) ? 0 : m.length)),

  // National numbers with a trunk 0 and one separator used throughout:
  // "07700 900123", "020 7946 0958", "01 42 68 53 00", "03-1234-5678".
  // 10-12 digits stand alone; 9 digits ("030 901820") also look like ZIP+4
  // or dates, so they need a phone cue ("call me on ...").
  regexRow("phone-trunk", "PHONE", 9, "",
    new RegExp(`(?<![\\w.+\\-/])0[1-9]\\d{0,3}(${SEP})\\d{2,8}(?:\\1\\d{2,8}){0,3}(?![\\w]|[.\\-/]\\d)`, "g"),
    (t, s, m) => idCueBefore(t, s) ? 0 : longestGroupPrefix(m, (d) =>
      (d.length >= 10 && d.length <= 12) || (d.length === 9 && phoneCueBefore(t, s)))),

  // Bare digit runs and "555-0132": only with a phone cue right before.
  regexRow("phone-cued", "PHONE", 7, "",
    /\d\d\d(?<![\w.+\-#\/$€£]\d\d\d)(?:-\d{4}|\d\d \d{5}|\d{7,8})(?![\w]|[.,\-\/]\d)/g,
    (t, s, m) => (phoneCueBefore(t, s) && !idCueBefore(t, s) ? m.length : 0)),

  // 13-19 digits, issuer prefix 2-6 (Mastercard 2-series, Amex/Diners/JCB,
  // Visa, Mastercard, Discover/UnionPay), Luhn-valid.
  regexRow("card", "CARD", 13, "",
    /(?<![\w.,+\-\/])[2-6]\d{3}(?:[ \-\u00a0]?\d){9,15}(?!\w)/g,
    (t, s, m) => idCueBefore(t, s) ? 0 : longestGroupPrefix(m, (d) => d.length >= 13 && d.length <= 19 && luhn(d))),

  // CC + 2 check digits + BBAN, compact or in groups of 4; length per country, mod-97.
  regexRow("iban", "IBAN", 8, "",
    /(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?!\w)/g,
    (_t, _s, m) => acceptIban(m)),

  // AAA-GG-SSSS; area 000/666/9xx, group 00 and serial 0000 are never issued.
  regexRow("ssn", "SSN", 9, "-",
    /(?<![\w\-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w]|-\d)/g,
    (_t, _s, m) => m.length),

  // Dotted quad, octets 0-255 without leading zeros. A bare "1.2.3.4" counts
  // as an IP; after "v"/"version"/"build" it is a version number.
  regexRow("ipv4", "IP", 4, ".",
    /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g,
    (t, s, m) => (versionCueBefore(t, s) ? 0 : m.length)),

  { name: "ipv6", kind: "IP", minDigits: 1, needs: ":", find: findIpv6 },
];

function acceptIban(m: string): number {
  const want = ibanLength(m.slice(0, 2));
  if (want === undefined) return 0;
  // Walk the candidate until `want` alphanumerics are consumed; a trailing
  // word swallowed by the regex ("... 32 TODAY") is cut off at a space.
  let n = 0;
  let i = 0;
  for (; i < m.length && n < want; i++) if (m.charCodeAt(i) !== 32) n++;
  if (n < want || (i < m.length && m.charCodeAt(i) !== 32)) return 0;
  const head = m.slice(0, i);
  const compact = head.replace(/ /g, "");
  // Spaced form must be the printed one: groups of four after the first.
  if (head.includes(" ") && !/^[A-Z0-9]{4}(?: [A-Z0-9]{4})*(?: [A-Z0-9]{1,3})?$/.test(head)) return 0;
  return ibanMod97(compact) ? i : 0;
}
