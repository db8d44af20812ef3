// findKnown against the definition it keeps: ONE case-insensitive
// alternation of every known value's pattern (bounded values first, in one
// group with one pair of word-boundary checks; longest first), run left to
// right. known.ts splits that regex up for speed (bodies without their
// boundaries, a second regex for emails, a third for digits); this compares
// the two on generated texts full of near misses: values inside words, at
// the end of longer words, Turkish i, astral letters, emails that start
// with a known first name, phones in every format.
import { describe, expect, it } from "vitest";
import { findKnown } from "./known.ts";
import { endsWord, startsWord } from "./known-bounds.ts";
import { BOUNDED, groups, patternFor, WORD } from "./known-patterns.ts";
import type { KnownValue, PiiKind, Span } from "./types.ts";

const NUMERIC = new Set<PiiKind>(["PHONE", "CARD", "IBAN", "SSN"]);

/** The reference: one regex per kind group, exactly as before the split. */
function reference(text: string, known: readonly KnownValue[]): [number, number, PiiKind][] {
  const seen = new Set<string>();
  const rows: { p: string; kind: PiiKind; n: number }[] = [];
  for (const k of known) {
    const p = patternFor(k);
    if (p === null || seen.has(p)) continue;
    seen.add(p);
    rows.push({ p, kind: k.kind, n: k.value.trim().length });
  }
  rows.sort((a, b) => b.n - a.n);
  const out: [number, number, PiiKind][] = [];
  for (const rs of [rows.filter((r) => !NUMERIC.has(r.kind)), rows.filter((r) => NUMERIC.has(r.kind))]) {
    if (rs.length === 0) continue;
    const bounded = rs.filter((r) => r.p.startsWith(BOUNDED));
    const rest = rs.filter((r) => !r.p.startsWith(BOUNDED));
    const parts: string[] = [];
    if (bounded.length)
      parts.push(`(?<!${WORD})(?:${bounded.map((r) => `(${r.p.slice(BOUNDED.length)})`).join("|")})(?!${WORD})`);
    parts.push(...rest.map((r) => `(${r.p})`));
    const kinds: (PiiKind | undefined)[] = [];
    for (const r of [...bounded, ...rest]) kinds.push(r.kind, ...new Array<undefined>(groups(r.p)));
    const re = new RegExp(parts.join("|"), "giu");
    for (const r of text.matchAll(re)) {
      let g = 1;
      while (g < r.length && r[g] === undefined) g++;
      const kind = kinds[g - 1] ?? "NAME";
      let start = r.index;
      if (kind === "PHONE" && r[0].startsWith("(") && !r[0].includes(")")) start++;
      out.push([start, r.index + r[0].length, kind]);
    }
  }
  // Where the two lists overlap, the longer span wins (known.ts untangle).
  out.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const kept: [number, number, PiiKind][] = [];
  for (const s of out) {
    const last = kept[kept.length - 1];
    if (!last || last[1] <= s[0]) kept.push(s);
    else if (s[1] - s[0] > last[1] - last[0]) kept[kept.length - 1] = s;
  }
  return kept;
}

const KNOWN: KnownValue[] = [
  { kind: "NAME", value: "Ann Lee" },
  { kind: "NAME", value: "Ann" },
  { kind: "NAME", value: "Lee" },
  { kind: "NAME", value: "Ayşe Yılmaz" },
  { kind: "NAME", value: "Siobhán O'Connor" },
  { kind: "NAME", value: "王小明" },
  { kind: "NAME", value: "𐐷ohn" },
  { kind: "NAME", value: "Dr." },
  { kind: "NAME", value: "J.R. Ewing Jr." },
  { kind: "ADDRESS", value: "12 Example Road, Testville" },
  { kind: "EMAIL", value: "ann.lee@example.com" },
  { kind: "IP", value: "192.0.2.1" },
  { kind: "PHONE", value: "+44 7700 900123" },
  { kind: "CARD", value: "4111 1111 1111 1111" },
  { kind: "IBAN", value: "GB82 WEST 1234 5698 7654 32" },
];
const PIECES = [
  "Ann",
  "ann",
  "ANN",
  "Lee",
  "lee",
  "Ann Lee",
  "ann  lee",
  "Ann\nLee",
  "Anne",
  "Joann",
  "Leeds",
  "sleep",
  "annual",
  "Ayşe Yılmaz",
  "AYŞE YILMAZ",
  "ayşe yilmaz",
  "Yılmazlar",
  "Siobhán O’Connor",
  "siobhan o'connor",
  "王小明",
  "小王小明先生",
  "𐐷ohn",
  "𐐏OHN",
  "x𐐷ohn",
  "Dr.",
  "dr.x",
  "Dr.Ann",
  "J.R. Ewing Jr.",
  "12 Example Road, Testville",
  "12 example road testville",
  "12 Example Road,\nTestville",
  "112 Example Road, Testvilleo",
  "ann.lee@example.com",
  "ANN.LEE@EXAMPLE.COM",
  "xann.lee@example.com",
  "ann.lee@example.com.au",
  "192.0.2.1",
  "192.0.2.10",
  "+44 7700 900123",
  "07700 900123",
  "(07700) 900-123",
  "0044 7700900123",
  "4111 1111 1111 1111",
  "4111-1111-1111-1111",
  "GB82WEST12345698765432",
  "gb82 west 1234 5698 7654 32",
  "_",
  "-",
  "é",
  "ı",
  "İ",
  "K",
  "ſ",
  "'",
  "’",
  ",",
  ".",
  "@",
  "(",
  ")",
  "+",
  "0",
  "7",
  "\u00a0",
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("findKnown keeps the one-alternation semantics", () => {
  it("matches the reference on 6 000 generated texts", () => {
    const r = rng(16);
    // A few known lists (each compiles its regexes once), always with all the
    // values, then random halves.
    const lists = [KNOWN, ...Array.from({ length: 11 }, () => KNOWN.filter(() => r() < 0.5))];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
    const seps = [" ", "", "\n", ", ", "-", "x", "é", "_", "  "];
    const diffs: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      let text = "";
      for (let n = 1 + Math.floor(r() * 6); n > 0; n--) text += pick(PIECES) + pick(seps);
      const known = pick(lists);
      const out: Span[] = [];
      findKnown(text, known, out);
      const got = out.map((s) => [s.start, s.end, s.kind]);
      const want = reference(text, known);
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(JSON.stringify({ text, got, want }));
    }
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it("checks word boundaries as the lookarounds do, for every code point", () => {
    const before = new RegExp(`(?<!${WORD})$`, "iu");
    const after = new RegExp(`^(?!${WORD})`, "iu");
    const bad: number[] = [];
    for (let cp = 0; cp < 0x110000; cp += cp < 0x30000 ? 1 : 97) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      if (endsWord(`a${s}`, 1 + s.length) === before.test(`a${s}`)) bad.push(cp);
      if (startsWord(`${s}a`, 0) === after.test(`${s}a`)) bad.push(cp);
    }
    expect(bad).toEqual([]);
  });
});
