// Span-level evaluation: a predicted span counts as correct only if an
// expected span has the same kind and exactly the same substring.
import type { KnownValue, PiiKind, Span } from "../types.ts";
import { PII_KINDS } from "../types.ts";
import type { LabelledItem } from "./labelled.ts";

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  recall: number;
  precision: number;
}
export interface Mistake {
  id: string;
  kind: PiiKind;
  value: string;
  text: string;
}
export interface Report {
  items: number;
  hardNegatives: number;
  expected: number;
  perKind: Record<PiiKind, KindScore>;
  overall: KindScore;
  misses: Mistake[];
  falsePositives: Mistake[];
  /** False positives on items labelled hardNegative. */
  hardNegativeHits: Mistake[];
}

type Finder = (text: string, known: readonly KnownValue[]) => Span[];

const score = (tp: number, fp: number, fn: number): KindScore => ({
  tp,
  fp,
  fn,
  recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  precision: tp + fp === 0 ? 1 : tp / (tp + fp),
});

export function evaluate(items: readonly LabelledItem[], find: Finder): Report {
  const counts = new Map<PiiKind, { tp: number; fp: number; fn: number }>(
    PII_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]),
  );
  const misses: Mistake[] = [];
  const falsePositives: Mistake[] = [];
  const hardNegativeHits: Mistake[] = [];
  let expected = 0;
  for (const item of items) {
    // multiset of expected "kind\0value", consumed by matching predictions
    const want = new Map<string, number>();
    for (const e of item.expect) {
      const key = `${e.kind}\u0000${e.value}`;
      want.set(key, (want.get(key) ?? 0) + 1);
      expected++;
    }
    for (const s of find(item.text, item.known)) {
      const key = `${s.kind}\u0000${s.value}`;
      const left = want.get(key) ?? 0;
      const c = counts.get(s.kind);
      if (!c) continue;
      if (left > 0) {
        want.set(key, left - 1);
        c.tp++;
      } else {
        c.fp++;
        const m = { id: item.id, kind: s.kind, value: s.value, text: item.text };
        falsePositives.push(m);
        if (item.hardNegative) hardNegativeHits.push(m);
      }
    }
    for (const [key, n] of want) {
      const [kind, value] = key.split("\u0000") as [PiiKind, string];
      const c = counts.get(kind);
      for (let i = 0; i < n; i++) {
        if (c) c.fn++;
        misses.push({ id: item.id, kind, value, text: item.text });
      }
    }
  }
  const perKind = {} as Record<PiiKind, KindScore>;
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const [k, c] of counts) {
    perKind[k] = score(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return {
    items: items.length,
    hardNegatives: items.filter((i) => i.hardNegative).length,
    expected,
    perKind,
    overall: score(tp, fp, fn),
    misses,
    falsePositives,
    hardNegativeHits,
  };
}
