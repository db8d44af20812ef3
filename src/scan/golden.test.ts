// Golden outputs: findPii gives exactly the spans it gave when the golden
// file was written, on every text of the tuning, limitations, chatter and
// held-out corpora in five variants each (src/scan/golden/cases.ts). Speed
// work on the scanner must not change what it finds; a change that means to
// regenerates the file with `npx node scripts/scan-golden.ts`.
import { describe, expect, it } from "vitest";
import { fingerprint, goldenItems } from "./golden/cases.ts";
import { FINGERPRINTS } from "./golden/fingerprints.ts";
import { findPii } from "./index.ts";

describe("golden outputs", () => {
  const items = goldenItems();
  const want = new Map(FINGERPRINTS.split("\n").map((l) => l.split(" ") as [string, string]));

  it("covers every corpus item, with unique ids", () => {
    expect(items.length).toBeGreaterThan(2500);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(want.size).toBe(items.length);
  });

  it("findPii's output is unchanged on every case", () => {
    const changed: string[] = [];
    for (const it of items) {
      const outputs = it.cases.map((c) => findPii(c.text, c.known));
      if (fingerprint(it.id, outputs) !== `${it.id} ${want.get(it.id)}`) {
        // Name the variants and their spans (kinds and offsets only: no values).
        changed.push(
          `${it.id}: ${outputs.map((o, k) => `${it.cases[k]?.id} ${o.map((s) => `${s.start}-${s.end}-${s.kind}`).join(",")}`).join(" | ")}`,
        );
      }
    }
    expect(changed.slice(0, 20), `${changed.length} items changed`).toEqual([]);
  });
});
