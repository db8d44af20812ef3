// Matching of values the task already knows are PII, with the semantics of
// ONE case-insensitive alternation of all of a list's values (longest
// first, so "Ann Lee" beats "Ann" at the same position) run left to right.
// Matchers are cached: a task sends the same known list with every message.
//
// Names and addresses need a word boundary on both sides. As Unicode
// lookarounds, each is a large tree of character ranges in the compiled
// code of every task's regex (~35 KB each), so the regex run on each message
// checks ASCII boundaries only (a necessary condition, and cheap); a hit next
// to a non-ASCII character is checked by one shared test (known-bounds.ts)
// and, if it fails, the exact regex is asked at that position. Digit-like
// values (phones, cards...) are a second regex, run only on text with a digit.

import { endsWord, startsWord } from "./known-bounds.ts";
import { BOUNDED, groups, patternFor, WORD } from "./known-patterns.ts";
import type { KnownValue, PiiKind, Span } from "./types.ts";

interface Alternation {
  re: RegExp;
  kinds: (PiiKind | undefined)[]; // kinds[i] belongs to capture group i + 1 (undefined: a group inside a value)
}
interface Words {
  fast: Alternation; // bounded values between ASCII boundaries, then the others (global)
  exact: Alternation; // the one alternation itself (sticky)
  bounded: number; // capture groups 1..bounded belong to bounded values
}
interface Matcher {
  words: Words | null;
  digits: Alternation | null;
}
const NUMERIC: ReadonlySet<PiiKind> = new Set<PiiKind>(["PHONE", "CARD", "IBAN", "SSN"]);

interface Row {
  p: string;
  kind: PiiKind;
  n: number;
}

/** Kind of each capture group: a value's kind for its outer group, undefined for groups inside it. */
function kindsOf(rs: Row[]): (PiiKind | undefined)[] {
  // A value's own pattern may hold groups (SEP): its outer group is the
  // first group set when it matches.
  const kinds: (PiiKind | undefined)[] = [];
  for (const r of rs) kinds.push(r.kind, ...new Array<undefined>(groups(r.p)));
  return kinds;
}
const alt = (rs: Row[]) => rs.map((r) => `(${r.p})`).join("|");

function compileWords(rs: Row[]): Words | null {
  if (rs.length === 0) return null;
  // Bounded values first, in one group with one pair of boundary checks `b`;
  // the others after; longest first in each (rs is sorted).
  const bounded = rs.filter((r) => r.p.startsWith(BOUNDED)).map((r) => ({ ...r, p: r.p.slice(BOUNDED.length) }));
  const rest = rs.filter((r) => !r.p.startsWith(BOUNDED));
  const src = (b: string) =>
    [...(bounded.length ? [`(?<!${b})(?:${alt(bounded)})(?!${b})`] : []), ...(rest.length ? [alt(rest)] : [])].join(
      "|",
    );
  const kinds = kindsOf([...bounded, ...rest]);
  return {
    fast: { re: new RegExp(src("[A-Za-z0-9_]"), "giu"), kinds },
    exact: { re: new RegExp(src(WORD), "iuy"), kinds },
    bounded: kindsOf(bounded).length,
  };
}

function compile(known: readonly KnownValue[]): Matcher | null {
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const k of known) {
    const p = patternFor(k);
    if (p === null || seen.has(p)) continue;
    seen.add(p);
    rows.push({ p, kind: k.kind, n: k.value.trim().length });
  }
  if (rows.length === 0) return null;
  rows.sort((a, b) => b.n - a.n);
  const digits = rows.filter((r) => NUMERIC.has(r.kind));
  return {
    words: compileWords(rows.filter((r) => !NUMERIC.has(r.kind))),
    digits: digits.length ? { re: new RegExp(alt(digits), "giu"), kinds: kindsOf(digits) } : null,
  };
}

// Two cache levels: by array identity (no allocation nor module-level write
// per message; the snapshot of kinds and values catches an array mutated in
// place), then by content.
interface Entry {
  kinds: PiiKind[];
  values: string[];
  m: Matcher | null;
}
const byArray = new WeakMap<readonly KnownValue[], Entry>();
const byKey = new Map<string, Matcher | null>();
const CACHE_MAX = 64;

function matcherFor(known: readonly KnownValue[]): Matcher | null {
  const hit = byArray.get(known);
  if (hit !== undefined && unchanged(hit, known)) return hit.m;
  const kinds = known.map((k) => k.kind);
  const values = known.map((k) => k.value);
  const key = known.map((k) => `${k.kind}\u0001${k.value}`).join("\u0001");
  let m = byKey.get(key);
  if (m === undefined) {
    m = compile(known);
    if (byKey.size >= CACHE_MAX) byKey.delete(byKey.keys().next().value ?? "");
    byKey.set(key, m);
  }
  byArray.set(known, { kinds, values, m });
  return m;
}

function unchanged(e: Entry, b: readonly KnownValue[]): boolean {
  const n = b.length;
  if (e.values.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const k = b[i] as KnownValue;
    if (e.values[i] !== k.value || e.kinds[i] !== k.kind) return false;
  }
  return true;
}

/**
 * Append the occurrences of known values in `text` to `out`: sorted,
 * disjoint. `digit`: whether the text holds an ASCII digit (findPii knows).
 */
export function findKnown(text: string, known: readonly KnownValue[], out: Span[], digit = ANY_DIGIT.test(text)): void {
  if (known.length === 0) return;
  const m = matcherFor(known);
  if (m === null) return;
  const at = out.length;
  if (m.words) findWords(text, m.words, out);
  const mid = out.length;
  // Every digit-like value holds a digit.
  if (m.digits && digit) scan(text, m.digits, out);
  // Each list is sorted; merge only when they interleave. (No out[-1]: a
  // negative index is a slow property lookup.)
  if (mid > at && mid < out.length && (out[mid] as Span).start < (out[mid - 1] as Span).end) untangle(out, at);
}
const ANY_DIGIT = /[0-9]/;

/** The word-like values' matches, as their one alternation would find them. */
function findWords(text: string, w: Words, out: Span[]): void {
  const re = w.fast.re;
  re.lastIndex = 0;
  for (let r = re.exec(text); r !== null; r = re.exec(text)) {
    let g = 1;
    while (g < r.length && r[g] === undefined) g++;
    const start = r.index;
    let end = start + r[0].length;
    let kind = w.fast.kinds[g - 1] ?? "NAME";
    if (g <= w.bounded && (endsWord(text, start) || startsWord(text, end))) {
      // A non-ASCII word character next to it: ask the exact regex here.
      const x = w.exact.re;
      x.lastIndex = start;
      const e = x.exec(text);
      if (e === null) {
        re.lastIndex = start + (isLead(text.charCodeAt(start)) ? 2 : 1);
        continue;
      }
      g = 1;
      while (g < e.length && e[g] === undefined) g++;
      end = start + e[0].length;
      kind = w.exact.kinds[g - 1] ?? "NAME";
      re.lastIndex = end;
    }
    out.push({ start, end, kind, value: text.slice(start, end) });
  }
}
const isLead = (c: number) => c >= 0xd800 && c <= 0xdbff;

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
