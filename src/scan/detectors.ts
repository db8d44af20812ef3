// Pattern detectors: one table, one row per format. Each row is a linear-time
// regex (bounded quantifiers, no nested unbounded repeats) plus a validator
// (Luhn, mod-97, octet ranges, context cues) that may reject or trim a hit.
// Emails and IPv6 are found by expanding around "@" / ":" instead.

import { findAddresses } from "./addresses.ts";
import { acceptIban, idCueBefore, isIpv6, luhn, phoneCueBefore, ssnCueBefore, versionCueBefore } from "./checks.ts";
import { cardIssuer, shortPhone } from "./checks2.ts";
import { findNames } from "./names.ts";
import type { Detector, Row } from "./rows.ts";
import { combined, isDigit, len, longestGroupPrefix, rowDetector } from "./rows.ts";
import type { Span } from "./types.ts";

export type { Detector, Row } from "./rows.ts";
export { rowDetector } from "./rows.ts";

// ---- EMAIL: expand around each "@" instead of a regex, which would rescan
// every long word that has no "@" (quadratic on base64 blobs).
const isLocal = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  isDigit(c) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;
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
      local.length === 0 ||
      local.length > 64 ||
      local.endsWith(".") ||
      local.includes("..") ||
      labels.length < 2 ||
      !labels.every((l) => LABEL.test(l)) ||
      !/^[A-Za-z]{2,24}$/.test(tld) ||
      FILE_EXT.test(tld)
    )
      continue;
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
    const ok =
      !isWordChar(prev) &&
      prev !== 46 &&
      !isWordChar(text.charCodeAt(e)) &&
      text.indexOf(":", at + 1) < e &&
      isIpv6(text.slice(s, e)); // cheap 2-colon test first ("14:30")
    if (ok) out.push({ start: s, end: e, kind: "IP", value: text.slice(s, e) });
    at = Math.max(at, e - 1); // the rest of this run is decided
  }
}

const SEP = "[ .\\-\\u00a0]"; // separators inside phone numbers (incl. no-break space)
// What may not follow a phone number: a word character (but an extension
// "x123" may), or a separator and another digit.
const NOT_AFTER = "(?!x\\d)\\w|[.\\-]\\d";

export const ROWS: readonly Row[] = [
  // +CC then 7-15 more digits, single separators, optional "(0)"/"(415)" groups.
  {
    name: "phone-intl",
    kind: "PHONE",
    src: `(?:\\(\\+\\d{1,3}\\)|\\+\\d(?<![\\w+]\\+\\d))(?:(?:${SEP}|/)?(?:\\(\\d{1,4}\\)|\\d)){6,16}(?!\\d)`,
    accept: (_t, _s, m) => longestGroupPrefix(m, len(8, 15)),
  },

  // "(415) 555-0132", "(020) 7946 0958", "(11) 91234-5678", "(07) 9661 9454",
  // "(0937) 786732", "(911)893-68-80", Russian trunk "8 (901) 804-95-63".
  {
    name: "phone-paren",
    kind: "PHONE",
    src: `(?:(?<![\\w+.\\-])8${SEP}?|(?<![\\w)]))\\(\\d{2,5}\\)${SEP}?\\d{2,5}(?:${SEP}?\\d{2,4}){0,3}(?!${NOT_AFTER})`,
    accept: (_t, _s, m) => longestGroupPrefix(m, len(8, 13)),
  },

  // AAA-GG-SSSS; area 000/666/9xx, group 00 and serial 0000 are never issued.
  {
    name: "ssn",
    kind: "SSN",
    src: String.raw`(?<![\w\-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w]|-\d)`,
    accept: (_t, _s, m) => m.length,
  },

  // Nine digits in any grouping ("123456789", "123 45 6789") after an SSN cue
  // ("SSN", "social security number"): without the cue they are read as
  // phones or left alone.
  {
    name: "ssn-cued",
    kind: "SSN",
    src: String.raw`(?<![\w\-.])(?!000|666|9)\d{3}(?<sn>[ .]?)(?!00)\d{2}\k<sn>(?!0000)\d{4}(?![\w]|[.\-]\d)`,
    accept: (t, s, m) => (ssnCueBefore(t, s) ? m.length : 0),
  },

  // Dotted quad, octets 0-255 without leading zeros. A bare "1.2.3.4" counts
  // as an IP; after "v"/"version"/"build" it is a version number.
  {
    name: "ipv4",
    kind: "IP",
    src: String.raw`(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)`,
    accept: (t, s, m) => (versionCueBefore(t, s) ? 0 : m.length),
  },

  // 12-19 digits with an issuer prefix (cardIssuer: Maestro's 12-digit
  // numbers, JCB's 15-digit 1800/2131...), Luhn-valid.
  {
    name: "card",
    kind: "CARD",
    src: String.raw`(?<![\w.,+\-\/]|(?<!\w)\d{1,19}[ \-\u00a0])[1-6]\d{3}(?:[ \-\u00a0]?\d){8,15}(?!\w)`,
    accept: (t, s, m) => (idCueBefore(t, s) ? 0 : longestGroupPrefix(m, (d) => cardIssuer(d) && luhn(d))),
  },

  // NANP "415-555-0132", "415.555.0132", "1-800-555-0199", "001-415-555-0132":
  // one separator used throughout.
  {
    name: "phone-nanp",
    kind: "PHONE",
    src: String.raw`(?<![\w.+\-])(?:0?0?1[ .\-])?[2-9]\d{2}(?<ns>[ .\-])[2-9]\d{2}\k<ns>\d{4}(?!${NOT_AFTER})`,
    accept: (t, s, m) => (idCueBefore(t, s) ? 0 : m.length),
  },

  // National numbers with a trunk 0 and one separator used throughout:
  // "07700 900123", "020 7946 0958", "01 42 68 53 00", "03-1234-5678".
  // 10-12 digits stand alone; 9 digits ("030 901820") also look like ZIP+4
  // or dates, so they need a phone cue ("call me on ...").
  {
    name: "phone-trunk",
    kind: "PHONE",
    src: `(?<![\\w.+\\-/])0[1-9]\\d{0,4}(?<ts>${SEP})\\d{2,8}(?:\\k<ts>\\d{2,8}){0,3}(?!${NOT_AFTER}|/\\d)`,
    accept: (t, s, m) =>
      idCueBefore(t, s)
        ? 0
        : longestGroupPrefix(m, (d) => (d.length >= 10 && d.length <= 12) || (d.length === 9 && phoneCueBefore(t, s))),
  },

  // Bare digit runs and "555-0132": only with a phone cue right before.
  {
    name: "phone-cued",
    kind: "PHONE",
    src: String.raw`\d\d\d(?<![\w.+\-#\/$€£]\d\d\d)(?:-\d{4}|\d\d \d{5}|\d{4,10})(?![\w]|[.,\-\/]\d)`,
    accept: (t, s, m) => (phoneCueBefore(t, s) && !idCueBefore(t, s) ? m.length : 0),
  },

  // International prefix 00 instead of "+": "0041 79 710 96 86", "0036205751324".
  {
    name: "phone-00",
    kind: "PHONE",
    src: `(?<![\\w.+\\-/])00[1-9](?:${SEP}?\\d){7,13}(?!${NOT_AFTER}|/\\d)`,
    accept: (t, s, m) => (idCueBefore(t, s) ? 0 : longestGroupPrefix(m, len(10, 15))),
  },

  // Trunk numbers that change separator or have a one-digit group:
  // Swedish "079-371 16 99", "0359-406 17"; Japanese "05334-1-8500".
  {
    name: "phone-trunk-mixed",
    kind: "PHONE",
    src: `(?<![\\w.+\\-/])0\\d{1,4}-(?:\\d{1,4}-\\d{4}|\\d{2,3}(?: \\d{2,3}){1,3})(?!${NOT_AFTER}|${SEP}\\d)`,
    accept: (t, s, m) =>
      idCueBefore(t, s) ? 0 : longestGroupPrefix(m, /^\d+-\d+-\d{4}$/.test(m) ? len(10, 10) : len(8, 10)),
  },

  // Short national numbers without a trunk 0: 7-10 digits in groups of 2-4
  // with one separator ("555-1234", "1234 5678", "46 88 00 18", "804-95-63",
  // "18-189-36-88", "989 368 800"). Dates, year ranges, SSN shapes and amounts
  // are turned away by shortPhone.
  {
    name: "phone-short",
    kind: "PHONE",
    src: `(?<![\\w.,+\\-#\\/$€£:]|\\d${SEP})\\d{2,6}(?<ss>[ .\\-])\\d{2,6}(?:\\k<ss>\\d{2,4}){0,3}(?!${NOT_AFTER}|[,:/]\\d|${SEP}\\d)`,
    accept: (t, s, m) => (shortPhone(t, s, m) ? m.length : 0),
  },

  // CC + 2 check digits + BBAN, compact or in groups of 4; length per country, mod-97.
  {
    name: "iban",
    kind: "IBAN",
    src: String.raw`(?<![\w])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?!\w)`,
    accept: (_t, _s, m) => acceptIban(m),
  },
];

const row = (name: string): Row => {
  const r = ROWS.find((x) => x.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
};

/** What findPii runs, cheapest prefilters first. */
// Four chat messages in five have no digit at all: one native test in
// findPii spares them every detector marked `digits` (an IPv6 address needs
// one too: isIpv6 turns "a::b" and "dead:beef" away).
const withDigits = (d: Detector): Detector => ({ ...d, digits: true });
export const DETECTORS: readonly Detector[] = [
  { name: "email", needs: "@", find: findEmails },
  { name: "ipv6", needs: ":", find: findIpv6, digits: true },
  withDigits(rowDetector(row("phone-intl"), "+")),
  withDigits(rowDetector(row("phone-paren"), "(")),
  withDigits(rowDetector(row("iban"))),
  withDigits(
    combined(
      "digits",
      [
        "ssn",
        "ssn-cued",
        "ipv4",
        "card",
        "phone-nanp",
        "phone-trunk",
        "phone-cued",
        "phone-00",
        "phone-trunk-mixed",
        "phone-short",
      ].map(row),
    ),
  ),
  { name: "address", needs: "", find: findAddresses, guess: true, digits: true },
  { name: "name", needs: "", find: findNames, guess: true },
];
