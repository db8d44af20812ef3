// Share of the ordinary words that come out intact: every word (letters or
// digits) of an item that lies outside its expected PII spans, and how many
// of those a predicted span touches. Tokenizing "Samsung", "Paris" or
// "Monday" costs here, whatever its kind.

import type { LabelledItem } from "../corpus/labelled.ts";
import type { KnownValue, Span } from "../types.ts";

export interface Intact {
  words: number;
  broken: number;
  share: number;
  examples: string[];
}

export function intactWords(
  items: readonly LabelledItem[],
  find: (t: string, k: readonly KnownValue[]) => Span[],
): Intact {
  let words = 0;
  let broken = 0;
  const examples: string[] = [];
  for (const item of items) {
    // Expected ranges: each expected value at its first unused occurrence.
    const pii: [number, number][] = [];
    for (const e of item.expect) {
      let at = item.text.indexOf(e.value);
      while (at !== -1 && pii.some(([s, x]) => s === at && x === at + e.value.length))
        at = item.text.indexOf(e.value, at + 1);
      if (at !== -1) pii.push([at, at + e.value.length]);
    }
    const got = find(item.text, item.known);
    for (const m of item.text.matchAll(/[\p{L}\p{N}]+/gu)) {
      const s = m.index;
      const x = s + m[0].length;
      if (pii.some(([a, b]) => s < b && a < x)) continue;
      words++;
      const hit = got.find((g) => s < g.end && g.start < x);
      if (hit) {
        broken++;
        if (examples.length < 40)
          examples.push(`${item.id}: ${JSON.stringify(m[0])} in ${hit.kind} ${JSON.stringify(hit.value)}`);
      }
    }
  }
  return { words, broken, share: words === 0 ? 1 : 1 - broken / words, examples };
}
