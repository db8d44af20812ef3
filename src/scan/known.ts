// Matching of values the task already knows are PII, with the semantics of
// ONE case-insensitive alternation of all of a list's values (longest
// first, so "Ann Lee" beats "Ann" at the same position) run left to right.
// Matchers are cached: a task sends the same known list with every message.
//
// It is not run as that one regex. Names and addresses need a word boundary
// on both sides, and a Unicode word class is a large tree of character
// ranges in the compiled code of every task's regex (~35 KB each), so their
// regex holds only the values' bodies and the boundaries are checked here
// with one shared test (known-bounds.ts). Emails, IPs and the rare values
// without boundaries run in a second regex, only when the text holds a
// character that each of them contains ("@"...). Digit-like values (phones,
// cards...) are a third regex, run only on text with a digit.

import { endsWord, startsWord } from "./known-bounds.ts";
import { BOUNDED, groups, patternFor, WORD } from "./known-patterns.ts";
import type { KnownValue, PiiKind, Span } from "./types.ts";

interface Alternation {
  re: RegExp;
  kinds: (PiiKind | undefined)[]; // kinds[i] belongs to capture group i + 1 (undefined: a group inside a value)
}
interface Words {
  bodies: Alternation | null; // values with boundaries on both sides, without them (global)
  bounded: Alternation | null; // the same with their boundaries (sticky): where a body ends inside a word
  rest: Alternation | null; // the values without such boundaries (global)
  restNeeds: string[] | null; // a character each of those holds (null: some holds none)
}
interface Matcher {
  words: Words | null;
  digits: Alternation | null;
}
const NUMERIC: ReadonlySet<PiiKind> = new Set<PiiKind>(["PHONE", "CARD", "IBAN", "SSN"]);

interface Row {
  p: string;
  v: string;
  kind: PiiKind;
  n: number;
}

/** One capture group per value, in order; `wrap` gives the whole source. */
function alternation(rs: Row[], flags: string, wrap = (s: string) => s): Alternation | null {
  if (rs.length === 0) return null;
  // A value's own pattern may hold groups (SEP): its kind goes to its outer
  // group only, which is the first group set when it matches.
  const kinds: (PiiKind | undefined)[] = [];
  for (const r of rs) kinds.push(r.kind, ...new Array<undefined>(groups(r.p)));
  return { re: new RegExp(wrap(rs.map((r) => `(${r.p})`).join("|")), flags), kinds };
}

// A character other than a letter, digit, space, comma or apostrophe is
// matched literally (case folding maps no such ASCII character elsewhere).
const LITERAL = /[!-&(-+\-./:-@[-`{-~]/;

function compileWords(rs: Row[]): Words | null {
  if (rs.length === 0) return null;
  // Bounded values first; longest first in each group (rs is sorted).
  const bounded = rs.filter((r) => r.p.startsWith(BOUNDED)).map((r) => ({ ...r, p: r.p.slice(BOUNDED.length) }));
  const rest = rs.filter((r) => !r.p.startsWith(BOUNDED));
  const needs = rest.map((r) => LITERAL.exec(r.v)?.[0]);
  return {
    // An ASCII word character next to the body rules it out inside the
    // regex (a subset of the real test, and cheap), so "lee" in "sleep" never
    // reaches JavaScript.
    bodies: alternation(bounded, "giu", (s) => `(?<![A-Za-z0-9_])(?:${s})(?![A-Za-z0-9_])`),
    bounded: alternation(bounded, "iuy", (s) => `(?<!${WORD})(?:${s})(?!${WORD})`),
    rest: alternation(rest, "giu"),
    restNeeds: needs.every((c) => c !== undefined) ? [...new Set(needs as string[])] : null,
  };
}

function compile(known: readonly KnownValue[]): Matcher | null {
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const k of known) {
    const p = patternFor(k);
    if (p === null || seen.has(p)) continue;
    seen.add(p);
    const v = k.value.trim();
    rows.push({ p, v, kind: k.kind, n: v.length });
  }
  if (rows.length === 0) return null;
  rows.sort((a, b) => b.n - a.n);
  return {
    words: compileWords(rows.filter((r) => !NUMERIC.has(r.kind))),
    digits: alternation(
      rows.filter((r) => NUMERIC.has(r.kind)),
      "giu",
    ),
  };
}

// Two cache levels: by array identity (no allocation per message; the
// snapshot catches an array mutated in place), then by content. The last
// list is checked first: a task's messages come one after another.
const byArray = new WeakMap<readonly KnownValue[], { snap: string[]; m: Matcher | null }>();
const byKey = new Map<string, Matcher | null>();
const CACHE_MAX = 64;
let lastList: readonly KnownValue[] | null = null;
let lastSnap: string[] = [];
let lastMatcher: Matcher | null = null;

function matcherFor(known: readonly KnownValue[]): Matcher | null {
  if (known === lastList && sameValues(lastSnap, known)) return lastMatcher;
  const hit = byArray.get(known);
  let m: Matcher | null | undefined;
  let snap: string[];
  if (hit && sameValues(hit.snap, known)) {
    m = hit.m;
    snap = hit.snap;
  } else {
    snap = known.flatMap((k) => [k.kind, k.value]);
    const key = snap.join("\u0001");
    m = byKey.get(key);
    if (m === undefined) {
      m = compile(known);
      if (byKey.size >= CACHE_MAX) byKey.delete(byKey.keys().next().value ?? "");
      byKey.set(key, m);
    }
    byArray.set(known, { snap, m });
  }
  lastList = known;
  lastSnap = snap;
  lastMatcher = m;
  return m;
}

function sameValues(snap: readonly string[], b: readonly KnownValue[]): boolean {
  if (snap.length !== 2 * b.length) return false;
  for (let i = 0; i < b.length; i++) {
    const k = b[i] as KnownValue;
    if (snap[2 * i] !== k.kind || snap[2 * i + 1] !== k.value) return false;
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

interface Hit {
  start: number;
  end: number;
  kind: PiiKind;
}

/** The word-like values' matches, as their one alternation (bounded values first) would find them. */
function findWords(text: string, w: Words, out: Span[]): void {
  let rest = w.restNeeds === null ? w.rest : null;
  if (w.restNeeds !== null) for (const c of w.restNeeds) if (text.includes(c)) rest = w.rest;
  let last = 0;
  let b = w.bodies && nextBounded(text, w, 0);
  let u = rest && nextHit(text, rest, 0);
  while (b || u) {
    // At the same start a bounded value wins: it comes first in the alternation.
    const win = (!u || (b && b.start <= u.start) ? b : u) as Hit;
    out.push({ start: win.start, end: win.end, kind: win.kind, value: text.slice(win.start, win.end) });
    last = win.end;
    if (b && b.start < last) b = nextBounded(text, w, last);
    if (u && rest && u.start < last) u = nextHit(text, rest, last);
  }
}

/** Next match at or after `from` of the values with boundaries. */
function nextBounded(text: string, w: Words, from: number): Hit | null {
  const bodies = w.bodies as Alternation;
  for (let at = from; ; ) {
    const h = nextHit(text, bodies, at);
    if (h === null) return null;
    // Preceded by a word character: no bounded value starts here.
    if (!endsWord(text, h.start)) {
      if (!startsWord(text, h.end)) return h;
      // The first body that matched ends inside a word: a later (shorter)
      // one may still fit, so ask the exact regex at this position.
      const s = nextHit(text, w.bounded as Alternation, h.start);
      if (s !== null) return s;
    }
    at = h.start + (isLead(text.charCodeAt(h.start)) ? 2 : 1);
  }
}
const isLead = (c: number) => c >= 0xd800 && c <= 0xdbff;

function nextHit(text: string, a: Alternation, from: number): Hit | null {
  a.re.lastIndex = from;
  const r = a.re.exec(text);
  if (r === null) return null;
  let g = 1;
  while (g < r.length && r[g] === undefined) g++;
  return { start: r.index, end: r.index + r[0].length, kind: a.kinds[g - 1] ?? "NAME" };
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
