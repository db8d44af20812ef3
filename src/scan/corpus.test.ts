// Regression gate on the labelled corpus: overall recall/precision >= 0.97
// and not a single hit on the hard negatives.
import { describe, expect, it } from "vitest";
import { evaluate } from "./corpus/evaluate.ts";
import { LABELLED } from "./corpus/labelled.ts";
import { findPii } from "./index.ts";

describe("labelled corpus", () => {
  const report = evaluate(LABELLED, findPii);

  it("is big enough and well formed", () => {
    expect(report.items).toBeGreaterThanOrEqual(300);
    expect(report.hardNegatives).toBeGreaterThanOrEqual(100);
    for (const item of LABELLED) {
      for (const e of item.expect) expect(item.text, item.id).toContain(e.value);
    }
    expect(new Set(LABELLED.map((i) => i.id)).size).toBe(LABELLED.length);
  });

  // On failure the message lists what went wrong; `npx node scripts/scan-eval.ts` shows more.
  const list = (ms: typeof report.misses) => ms.map((m) => `${m.id} ${m.kind} ${JSON.stringify(m.value)}`).join("\n");

  it("overall recall >= 0.97", () => {
    expect(report.overall.recall, `misses:\n${list(report.misses)}`).toBeGreaterThanOrEqual(0.97);
  });

  it("overall precision >= 0.97", () => {
    expect(report.overall.precision, `false positives:\n${list(report.falsePositives)}`).toBeGreaterThanOrEqual(0.97);
  });

  it("no false positives on hard negatives", () => {
    expect(report.hardNegativeHits.map((m) => `${m.id} ${m.kind} ${JSON.stringify(m.value)}`)).toEqual([]);
  });

  it("uses only clearly fake data", () => {
    for (const item of LABELLED) {
      for (const e of item.expect.filter((x) => x.kind === "EMAIL")) {
        expect(e.value.toLowerCase(), item.id).toMatch(/@(?:[\w-]+\.)*example\.(?:com|org|net)$|\.test$/);
      }
    }
  });
});
