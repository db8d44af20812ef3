// Machinery behind the detector table: a row is a regex source plus a
// validator; rows run alone (tests) or several at once in one regex pass.

import { digitsOf } from "./checks.ts";
import { extensionAt } from "./checks2.ts";
import type { PiiKind, Span } from "./types.ts";

export interface Detector {
  readonly name: string;
  /** Prefilter: a character every hit contains ("@", ":", "+", "("), or "". */
  readonly needs: string;
  /** Append every accepted hit in `text` to `out` (in text order). */
  readonly find: (text: string, out: Span[]) => void;
  /** A guess (names, addresses) rather than a format: a known value inside it yields to it. */
  readonly guess?: boolean;
  /** Every hit has an ASCII digit: findPii skips the detector on text without one. */
  readonly digits?: boolean;
}

/** Accepted length of candidate `m` found at `start` (may trim), 0 to reject. */
export type Accept = (text: string, start: number, m: string) => number;

export interface Row {
  readonly name: string;
  readonly kind: PiiKind;
  /** Regex source; every row refuses to start right after a word character. */
  readonly src: string;
  readonly accept: Accept;
}

/** A single row as a detector of its own (used by the unit tests). */
export function rowDetector(r: Row, needs = ""): Detector {
  const re = new RegExp(r.src, "g");
  const find = (text: string, out: Span[]): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      let n = r.accept(text, m.index, m[0]);
      if (n > 0 && r.kind === "PHONE") n += extensionAt(text, m.index + n);
      if (n > 0) out.push({ start: m.index, end: m.index + n, kind: r.kind, value: text.slice(m.index, m.index + n) });
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
  // "(?=\d)" first lets V8 skip non-digits quickly; every row starts with one.
  const re = new RegExp(`(?=\\d)(?<!\\w)(?:${rs.map((r) => `(${r.src})`).join("|")})`, "g");
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
      let i = 0;
      while (i < groupOf.length && m[groupOf[i] as number] === undefined) i++;
      let n = rs[i]?.accept(text, at, m[0]) ?? 0;
      while (n === 0 && ++i < rs.length) {
        const s = sticky[i] as RegExp;
        s.lastIndex = at;
        const mm = s.exec(text);
        if (mm) n = rs[i]?.accept(text, at, mm[0]) ?? 0;
      }
      const r = rs[i];
      if (n > 0 && r?.kind === "PHONE") n += extensionAt(text, at + n);
      if (n > 0 && r) out.push({ start: at, end: at + n, kind: r.kind, value: text.slice(at, at + n) });
      re.lastIndex = at + Math.max(n, 1);
    }
  };
  return { name, needs: "", find };
}

/**
 * Greedy digit-group regexes can swallow a following number ("… 0958 2024").
 * Try the whole candidate, then each shorter prefix ending at a group end,
 * and keep the longest one whose digits satisfy `ok`.
 */
export function longestGroupPrefix(m: string, ok: (digits: string) => boolean): number {
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
export const isDigit = (c: number) => c >= 48 && c <= 57;
export const len = (lo: number, hi: number) => (d: string) => d.length >= lo && d.length <= hi;
