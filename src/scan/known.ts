// Matching of values the task already knows are PII. All known values are
// compiled into ONE case-insensitive alternation (longest first, so "Ann Lee"
// beats "Ann" at the same position) and cached, since the same task sends
// the same known list with every message.

import { digitsOf } from "./checks.ts";
import type { KnownValue, PiiKind, Span } from "./types.ts";

interface Alternation {
  re: RegExp;
  kinds: (PiiKind | undefined)[]; // kinds[i] belongs to capture group i + 1 (undefined: a group inside a value)
}
// Word-like values (names, addresses, emails) and digit-like ones (phones,
// cards...) go into separate regexes: mixed together, the phone patterns'
// many optional prefixes defeat V8's first-character quick check (~3x slower).
interface Matcher {
  words: Alternation | null;
  digits: Alternation | null;
}
const NUMERIC: ReadonlySet<PiiKind> = new Set<PiiKind>(["PHONE", "CARD", "IBAN", "SSN"]);

const WORD = "[\\p{L}\\p{M}\\p{N}_]";
// Scripts written without spaces between words: no word boundary to demand.
const UNSPACED = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const IS_WORD = new RegExp(`^${WORD}$`, "u");
// Between digits of a known phone. The (unread) capture keeps V8 from
// unrolling "{0,3}" into three copies of the class and of all that follows:
// that made each task's phone regex 70-85 KB of machine code.
const SEP = "(?:([ \\u00a0().\\-/])){0,3}";
/** Capture groups in a value's pattern: SEP holds the only ones (values are escaped). */
const groups = (p: string) => p.split(SEP).length - 1;
const esc = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

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

/** Marks a pattern that needs a word boundary on both sides (stripped by compile). */
const BOUNDED = "\u0000B";

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

function patternFor(k: KnownValue): string | null {
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

function compile(known: readonly KnownValue[]): Matcher | null {
  const seen = new Set<string>();
  const rows: { p: string; kind: PiiKind; n: number }[] = [];
  for (const k of known) {
    const p = patternFor(k);
    if (p === null || seen.has(p)) continue;
    seen.add(p);
    rows.push({ p, kind: k.kind, n: k.value.trim().length });
  }
  rows.sort((a, b) => b.n - a.n);
  const alternation = (rs: typeof rows): Alternation | null => {
    if (rs.length === 0) return null;
    // Bounded values first, in one group with one pair of boundary checks; the
    // others after. Longest first inside each group.
    const bounded = rs.filter((r) => r.p.startsWith(BOUNDED));
    const rest = rs.filter((r) => !r.p.startsWith(BOUNDED));
    const parts: string[] = [];
    if (bounded.length)
      parts.push(`(?<!${WORD})(?:${bounded.map((r) => `(${r.p.slice(BOUNDED.length)})`).join("|")})(?!${WORD})`);
    parts.push(...rest.map((r) => `(${r.p})`));
    // A value's own pattern may hold groups (SEP): its kind goes to its outer
    // group only, which is the first group set when it matches.
    const kinds: (PiiKind | undefined)[] = [];
    for (const r of [...bounded, ...rest]) kinds.push(r.kind, ...new Array<undefined>(groups(r.p)));
    return { re: new RegExp(parts.join("|"), "giu"), kinds };
  };
  if (rows.length === 0) return null;
  return {
    words: alternation(rows.filter((r) => !NUMERIC.has(r.kind))),
    digits: alternation(rows.filter((r) => NUMERIC.has(r.kind))),
  };
}

// Two cache levels: by array identity (no allocation per message; the
// snapshot catches an array mutated in place), then by content.
const byArray = new WeakMap<readonly KnownValue[], { snap: KnownValue[]; m: Matcher | null }>();
const byKey = new Map<string, Matcher | null>();
const CACHE_MAX = 64;

function matcherFor(known: readonly KnownValue[]): Matcher | null {
  const hit = byArray.get(known);
  if (hit && sameValues(hit.snap, known)) return hit.m;
  const key = known.map((k) => `${k.kind}\u0000${k.value}`).join("\u0001");
  let m = byKey.get(key);
  if (m === undefined) {
    m = compile(known);
    if (byKey.size >= CACHE_MAX) byKey.delete(byKey.keys().next().value ?? "");
    byKey.set(key, m);
  }
  byArray.set(known, { snap: known.map((k) => ({ kind: k.kind, value: k.value })), m });
  return m;
}

function sameValues(a: readonly KnownValue[], b: readonly KnownValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]?.kind !== b[i]?.kind || a[i]?.value !== b[i]?.value) return false;
  }
  return true;
}

/** Append the occurrences of known values in `text` to `out`: sorted, disjoint. */
export function findKnown(text: string, known: readonly KnownValue[], out: Span[]): void {
  if (known.length === 0) return;
  const m = matcherFor(known);
  if (m === null) return;
  const at = out.length;
  if (m.words) scan(text, m.words, out);
  const mid = out.length;
  if (m.digits) scan(text, m.digits, out);
  // Each list is sorted; merge only when they interleave.
  const last = out[mid - 1];
  const next = out[mid];
  if (mid > at && last && next && next.start < last.end) untangle(out, at);
}

function scan(text: string, a: Alternation, out: Span[]): void {
  const re = a.re;
  re.lastIndex = 0;
  for (let r = re.exec(text); r !== null; r = re.exec(text)) {
    let g = 1;
    while (g < r.length && r[g] === undefined) g++;
    const kind = a.kinds[g - 1] ?? "NAME";
    let start = r.index;
    const end = start + r[0].length;
    // "(0212 555 0123)": an opening bracket without its closing one is prose.
    if (kind === "PHONE" && r[0].startsWith("(") && !r[0].includes(")")) start++;
    out.push({ start, end, kind, value: text.slice(start, end) });
  }
}

/** Sort out[from..] by start; where the two alternations overlap, keep the longer. */
function untangle(out: Span[], from: number): void {
  const mine = out.splice(from).sort((x, y) => x.start - y.start || y.end - x.end);
  for (const s of mine) {
    const last = out.length > from ? out[out.length - 1] : undefined;
    if (!last || last.end <= s.start) out.push(s);
    else if (s.end - s.start > last.end - last.start) out[out.length - 1] = s;
  }
}
