// findPii / tokenizeText: run the known-value matcher and the pattern
// detectors, then resolve overlaps (known values first, then longer spans).

import { TOKEN_PATTERN } from "../contracts/tokens.ts";
import { DETECTORS } from "./detectors.ts";
import { findKnown } from "./known.ts";
import type { KnownValue, PiiKind, Span } from "./types.ts";

// Vault tokens already in the text ("[NAME_1]") are left alone, so that
// tokenizing twice is harmless.
const DIGIT = /[0-9]/;

/** Non-overlapping PII spans of `text`, sorted by start. */
export function findPii(text: string, known: readonly KnownValue[]): Span[] {
  if (text.length === 0) return [];
  const digit = DIGIT.test(text);
  const knownSpans: Span[] = [];
  findKnown(text, known, knownSpans, digit);
  const found: Span[] = [];
  let guesses: Set<Span> | null = null;
  for (const d of DETECTORS) {
    if ((d.digits === true && !digit) || (d.needs !== "" && !text.includes(d.needs))) continue;
    const n = found.length;
    d.find(text, found);
    if (d.guess && found.length > n) {
      guesses ??= new Set();
      for (let i = n; i < found.length; i++) guesses.add(found[i] as Span);
    }
  }
  const blocked: Span[] | null = text.includes("[") ? tokensIn(text) : null;
  if (blocked === null || blocked.length === 0) {
    if (found.length === 0) return knownSpans; // already sorted and disjoint
    // The common case: nothing overlaps once pattern hits that merely repeat
    // a known value (same range) are dropped, so no ranking is needed.
    if (!disjoint(found)) byStart(found, (x) => x.start); // detectors run one after another
    const all = knownSpans.length === 0 ? found : mergeKnown(knownSpans, found);
    if (disjoint(all)) return all;
  }
  return resolve(knownSpans, found, blocked ?? [], guesses);
}

function tokensIn(text: string): Span[] {
  const blocked: Span[] = [];
  for (const m of text.matchAll(TOKEN_PATTERN)) {
    blocked.push({ start: m.index, end: m.index + m[0].length, kind: "NAME", value: m[0] });
  }
  return blocked;
}

/** Replace every PII span with `tokenFor(kind, value)`, left to right. */
export function tokenizeText(
  text: string,
  known: readonly KnownValue[],
  tokenFor: (kind: PiiKind, value: string) => string,
): string {
  const spans = findPii(text, known);
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + tokenFor(s.kind, s.value);
    at = s.end;
  }
  return out + text.slice(at);
}

// Candidate ranks: vault tokens already in the text, known values, patterns.
const BLOCKED = 2;
const KNOWN = 1;
const PATTERN = 0;
interface Cand {
  s: Span;
  rank: number;
}

/**
 * Sort by start, cut into clusters of mutually overlapping candidates (almost
 * always of size 1), and inside a cluster keep greedily by rank, then length,
 * then earlier start. O(n log n) even for megabyte inputs.
 */
function resolve(knownSpans: Span[], found: Span[], blocked: Span[], guesses: ReadonlySet<Span> | null): Span[] {
  const all: Cand[] = [];
  for (const s of blocked) all.push({ s, rank: BLOCKED });
  for (const s of knownSpans) all.push({ s, rank: KNOWN });
  for (const s of found) all.push({ s, rank: PATTERN });
  byStart(all, (c) => c.s.start);
  const out: Span[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i + 1;
    let end = all[i]?.s.end ?? 0;
    while (j < all.length && (all[j]?.s.start ?? 0) < end) end = Math.max(end, all[j++]?.s.end ?? 0);
    const c = all[i] as Cand;
    if (j === i + 1) {
      if (c.rank !== BLOCKED) out.push(c.s);
    } else {
      out.push(...pick(all.slice(i, j), guesses));
    }
    i = j;
  }
  return out;
}

function pick(cluster: Cand[], guesses: ReadonlySet<Span> | null): Span[] {
  const live = cluster.filter((c) => !(c.rank === KNOWN && swallowed(c.s, cluster, guesses)));
  live.sort((a, b) => b.rank - a.rank || spanLen(b.s) - spanLen(a.s) || a.s.start - b.s.start);
  const kept: Cand[] = [];
  for (const c of live) {
    if (kept.every((k) => k.s.end <= c.s.start || c.s.end <= k.s.start)) kept.push(c);
  }
  return kept
    .filter((c) => c.rank !== BLOCKED)
    .map((c) => c.s)
    .sort((a, b) => a.start - b.start);
}

/**
 * A known value strictly inside a pattern hit of another kind (the first
 * name inside "ann.lee@example.com") yields to it: redacting the whole
 * email hides the name too, while the name alone would leak the rest. So
 * does a known value strictly inside a name or address guess ("Alvarez"
 * inside "Mario Alvarez"): otherwise "Mario" would be left to a second,
 * different treatment, and how a guess comes out would tell the agent
 * whether part of it was the customer's.
 */
function swallowed(k: Span, cluster: Cand[], guesses: ReadonlySet<Span> | null): boolean {
  return cluster.some(
    (c) =>
      c.rank === PATTERN &&
      (c.s.kind !== k.kind || guesses?.has(c.s) === true) &&
      c.s.start <= k.start &&
      k.end <= c.s.end &&
      spanLen(c.s) > spanLen(k),
  );
}

const spanLen = (s: Span) => s.end - s.start;

/** Merge two start-sorted lists, dropping pattern spans equal to a known one. */
function mergeKnown(known: Span[], found: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  for (const f of found) {
    while (i < known.length && (known[i]?.start ?? 0) < f.start) out.push(known[i++] as Span);
    const k = known[i];
    if (k && k.start === f.start && k.end === f.end) continue;
    out.push(f);
  }
  while (i < known.length) out.push(known[i++] as Span);
  return out;
}

/**
 * Stable sort by start. The lists here are short and nearly sorted (each
 * detector's hits are in order): insertion sort beats the native sort and
 * its comparator calls; long lists go to the native sort, which is O(n log n).
 */
function byStart<T>(a: T[], start: (x: T) => number): void {
  if (a.length > 32) {
    a.sort((x, y) => start(x) - start(y));
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i] as T;
    const k = start(x);
    let j = i - 1;
    for (; j >= 0 && start(a[j] as T) > k; j--) a[j + 1] = a[j] as T;
    a[j + 1] = x;
  }
}

function disjoint(sorted: Span[]): boolean {
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i]?.start ?? 0) < (sorted[i - 1]?.end ?? 0)) return false;
  }
  return true;
}
