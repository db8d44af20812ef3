// Pattern detectors: one table, one row per format. Each row is a linear-time
// regex (bounded quantifiers, no nested unbounded repeats) plus a validator
// (Luhn, mod-97, octet ranges, context cues) that may reject or trim a hit.
// Emails and IPv6 are found by expanding around "@" / ":" instead.
import type { PiiKind, Span } from "./types.ts";
import {
  digitsOf, ibanLength, ibanMod97, idCueBefore, isIpv6, luhn, phoneCueBefore, versionCueBefore,
} from "./checks.ts";

export interface Detector {
  readonly name: string;
  /** Prefilter: a character every hit contains ("@", ":", "+", "("), or "". */
  readonly needs: string;
  /** Append every accepted hit in `text` to `out` (in text order). */
  readonly find: (text: string, out: Span[]) => void;
}

/** Accepted length of candidate `m` found at `start` (may trim), 0 to reject. */
type Accept = (text: string, start: number, m: string) => number;

export interface Row {
  readonly name: string;
  readonly kind: PiiKind;
  /** Regex source; every row refuses to start right after a word character. */
  readonly src: string;
  readonly accept: Accept;
}

/**
 * Greedy digit-group regexes can swallow a following number ("… 0958 2024").
 * Try the whole candidate, then each shorter prefix ending at a group end,
 * and keep the longest one whose digits satisfy `ok`.
 */
function longestGroupPrefix(m: string, ok: (digits: string) => boolean): number {
  const digits = digitsOf(m);
  let n = digits.length;
  for (let end = m.length; end > 0; ) {
    if (ok(digits.slice(0, n))) return end;
    const cut = lastSep(m, end);
    for (let i = cut; i < end; i++) if (isDigit(m.charCodeAt(i))) n--;
    end = cut;
  }
  return 0;
}
function lastSep(m: string, end: number): number {
  for (let i = end - 1; i > 0; i--) {
    if (!isDigit(m.charCodeAt(i))) {
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
    const ok = !isWordChar(prev) && prev !== 46 && !isWordChar(text.charCodeAt(e)) &&
      text.indexOf(":", at + 1) < e && isIpv6(text.slice(s, e)); // cheap 2-colon test first ("14:30")
    if (ok) out.push({ start: s, end: e, kind: "IP", value: text.slice(s, e) });
    at = Math.max(at, e - 1); // the rest of this run is decided
  }
}

const SEP = "[ .\\-\\u00a0]"; // separators inside phone numbers (incl. no-break space)

export const ROWS: readonly Row[] = [
  // +CC then 7-15 more digits, single separators, optional "(0)"/"(415)" groups.
  { name: "phone-intl", kind: "PHONE",
    src: `\\+\\d(?<![\\w+]\\+\\d)(?:${SEP}?(?:\\(\\d{1,4}\\)|\\d)){6,16}(?!\\d)`,
    accept: (_t, _s, m) => longestGroupPrefix(m, len(8, 15)) },

  // "(415) 555-0132", "(020) 7946 0958", "(11) 91234-5678"
  { name: "phone-paren", kind: "PHONE",
    src: `(?<![\\w)])\\(\\d{2,4}\\)${SEP}?\\d{3,5}${SEP}?\\d{4}(?![\\w]|[.\\-]\\d)`,
    accept: (_t, _s, m) => m.length },

  // AAA-GG-SSSS; area 000/666/9xx, group 00 and serial 0000 are never issued.
  { name: "ssn", kind: "SSN",
    src: String.raw`(?<![\w\-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w]|-\d)`,
    accept: (_t, _s, m) => m.length },

  // Dotted quad, octets 0-255 without leading zeros. A bare "1.2.3.4" counts
  // as an IP; after "v"/"version"/"build" it is a version number.
  { name: "ipv4", kind: "IP",
    src: String.raw`(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)`,
    accept: (t, s, m) => (versionCueBefore(t, s) ? 0 : m.length) },

  // 13-19 digits, issuer prefix 2-6 (Mastercard 2-series, Amex/Diners/JCB,
  // Visa, Mastercard, Discover/UnionPay), Luhn-valid.
  { name: "card", kind: "CARD",
    src: String.raw`(?<![\w.,+\-\/])[2-6]\d{3}(?:[ \-\u00a0]?\d){9,15}(?!\w)`,
    accept: (t, s, m) => idCueBefore(t, s) ? 0 : longestGroupPrefix(m, (d) => d.length >= 13 && d.length <= 19 && luhn(d)) },

  // NANP "415-555-0132", "415.555.0132", "1-800-555-0199": one separator used throughout.
  { name: "phone-nanp", kind: "PHONE",
    src: String.raw`(?<![\w.+\-])(?:1[ .\-])?[2-9]\d{2}(?<ns>[ .\-])[2-9]\d{2}\k<ns>\d{4}(?![\w]|[.\-]\d)`,
    accept: (t, s, m) => (idCueBefore(t, s) ? 0 : m.length) },

  // National numbers with a trunk 0 and one separator used throughout:
  // "07700 900123", "020 7946 0958", "01 42 68 53 00", "03-1234-5678".
  // 10-12 digits stand alone; 9 digits ("030 901820") also look like ZIP+4
  // or dates, so they need a phone cue ("call me on ...").
  { name: "phone-trunk", kind: "PHONE",
    src: `(?<![\\w.+\\-/])0[1-9]\\d{0,3}(?<ts>${SEP})\\d{2,8}(?:\\k<ts>\\d{2,8}){0,3}(?![\\w]|[.\\-/]\\d)`,
    accept: (t, s, m) => idCueBefore(t, s) ? 0 : longestGroupPrefix(m, (d) =>
      (d.length >= 10 && d.length <= 12) || (d.length === 9 && phoneCueBefore(t, s))) },

  // Bare digit runs and "555-0132": only with a phone cue right before.
  { name: "phone-cued", kind: "PHONE",
    src: String.raw`\d\d\d(?<![\w.+\-#\/$€£]\d\d\d)(?:-\d{4}|\d\d \d{5}|\d{7,8})(?![\w]|[.,\-\/]\d)`,
    accept: (t, s, m) => (phoneCueBefore(t, s) && !idCueBefore(t, s) ? m.length : 0) },

  // CC + 2 check digits + BBAN, compact or in groups of 4; length per country, mod-97.
  { name: "iban", kind: "IBAN",
    src: String.raw`(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?!\w)`,
    accept: (_t, _s, m) => acceptIban(m) },
];

const row = (name: string): Row => {
  const r = ROWS.find((x) => x.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
};

/** A single row as a detector of its own (used by the unit tests). */
export function rowDetector(r: Row, needs = ""): Detector {
  const re = new RegExp(r.src, "g");
  const find = (text: string, out: Span[]): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const n = r.accept(text, m.index, m[0]);
      if (n > 0) out.push({ start: m.index, end: m.index + n, kind: r.kind, value: m[0].slice(0, n) });
      else re.lastIndex = m.index + 1; // a shorter candidate may start inside
    }
  };
  return { name: r.name, needs, find };
}

/**
 * Several digit-initial rows as ONE regex pass (an alternation, first row
 * wins at a position). If that row's validator rejects the candidate, the
 * later rows get their chance at the same position through sticky copies.
 */
export function combined(name: string, rs: readonly Row[]): Detector {
  const re = new RegExp(`(?<!\\w)(?:${rs.map((r) => `(${r.src})`).join("|")})`, "g");
  const sticky = rs.map((r) => new RegExp(r.src, "y"));
  // Capture-group number of each row's wrapper (rows have groups of their own).
  const groupOf: number[] = [];
  let g = 1;
  for (const r of rs) {
    groupOf.push(g);
    g += 1 + (r.src.match(/(?<!\\)\((?!\?)|\(\?<(?![=!])/g)?.length ?? 0);
  }
  const find = (text: string, out: Span[]): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const at = m.index;
      let i = groupOf.findIndex((k) => m[k] !== undefined);
      let n = rs[i]?.accept(text, at, m[0]) ?? 0;
      while (n === 0 && ++i < rs.length) {
        const s = sticky[i] as RegExp;
        s.lastIndex = at;
        const mm = s.exec(text);
        if (mm) n = rs[i]?.accept(text, at, mm[0]) ?? 0;
      }
      const r = rs[i];
      if (n > 0 && r) out.push({ start: at, end: at + n, kind: r.kind, value: text.slice(at, at + n) });
      re.lastIndex = at + Math.max(n, 1);
    }
  };
  return { name, needs: "", find };
}

/** What findPii runs, cheapest prefilters first. */
export const DETECTORS: readonly Detector[] = [
  { name: "email", needs: "@", find: findEmails },
  { name: "ipv6", needs: ":", find: findIpv6 },
  rowDetector(row("phone-intl"), "+"),
  rowDetector(row("phone-paren"), "("),
  rowDetector(row("iban")),
  combined("digits", ["ssn", "ipv4", "card", "phone-nanp", "phone-trunk", "phone-cued"].map(row)),
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
