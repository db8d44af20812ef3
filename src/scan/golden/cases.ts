// Cases for the golden-output check (golden.test.ts): every text of the
// tuning corpus, its limitations, the everyday chatter and the held-out
// corpus, each in several variants (with and without its known values, lower
// and upper case, joined to the next text), so that a speed change to the
// scanner can be shown to change no output. All corpora are synthetic
// (faker, fake values); the golden file holds only hashes of the outputs.

import { CHATTER } from "../corpus/chatter.ts";
import { LABELLED } from "../corpus/labelled.ts";
import { LIMITS } from "../corpus/limits.ts";
import { heldOut } from "../heldout/generate.ts";
import type { KnownValue, Span } from "../types.ts";

export interface GoldenCase {
  id: string;
  text: string;
  known: readonly KnownValue[];
}

/** Texts grouped per source item: each item's variants share one hash line. */
export function goldenItems(): { id: string; cases: GoldenCase[] }[] {
  const base: { id: string; text: string; known: readonly KnownValue[] }[] = [
    ...LABELLED.map((i) => ({ id: i.id, text: i.text, known: i.known })),
    ...LIMITS.map((l, i) => ({ id: `L${i}`, text: l.text, known: l.known ?? [] })),
    ...CHATTER.map((t, i) => ({ id: `C${i}`, text: t, known: [] })),
    ...heldOut().map((i) => ({ id: `H${i.id}`, text: i.text, known: i.known })),
  ];
  return base.map((b, n) => {
    const next = base[(n + 1) % base.length] as (typeof base)[number];
    const cases: GoldenCase[] = [
      { id: `${b.id}/known`, text: b.text, known: b.known },
      { id: `${b.id}/bare`, text: b.text, known: [] },
      { id: `${b.id}/lower`, text: b.text.toLowerCase(), known: b.known },
      { id: `${b.id}/upper`, text: b.text.toUpperCase(), known: [] },
      { id: `${b.id}/joined`, text: `${b.text}\n${next.text} ${b.text}`, known: [...b.known, ...next.known] },
    ];
    return { id: b.id, cases };
  });
}

/** One line per item: its id and a 32-bit FNV-1a hash of every variant's spans. */
export function fingerprint(id: string, outputs: readonly Span[][]): string {
  let h = 0x811c9dc5;
  const s = outputs.map((spans) => spans.map((x) => `${x.start}-${x.end}-${x.kind}`).join(",")).join("|");
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${id} ${h.toString(16).padStart(8, "0")}`;
}
