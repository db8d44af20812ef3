import { describe, expect, it } from "vitest";
import { isPowerOfTen } from "../../audit/throttle.ts";
import { argsHash, canonicalJson } from "./effects.ts";
import { estimatePromptTokens } from "./tokens.ts";

describe("the argument hash of an effect", () => {
  it("is canonical: key order at any depth and undefined fields do not change it", async () => {
    const a = { orderId: "ord_5001", amount: 700, meta: { b: 1, a: [2, { y: 1, x: 0 }] }, note: undefined };
    const b = { meta: { a: [2, { x: 0, y: 1 }], b: 1 }, amount: 700, orderId: "ord_5001" };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(await argsHash(a)).toBe(await argsHash(b));
  });

  it("differs when any value differs, including a number spelled as a string", async () => {
    const base = await argsHash({ orderId: "ord_5001", amount: 700 });
    expect(await argsHash({ orderId: "ord_5001", amount: 1 })).not.toBe(base);
    expect(await argsHash({ orderId: "ord_5001", amount: "700" })).not.toBe(base);
    expect(await argsHash({ orderId: "ord_5002", amount: 700 })).not.toBe(base);
  });
});

describe("aggregated refusals and token estimates", () => {
  it("audits the 1st, 10th, 100th … refusal only", () => {
    expect([1, 2, 9, 10, 11, 99, 100, 1000, 1001].filter(isPowerOfTen)).toEqual([1, 10, 100, 1000]);
    expect(isPowerOfTen(0)).toBe(false);
  });

  it("estimates a prompt conservatively (3 characters a token, never below the provider's 4)", () => {
    const req = { messages: [{ role: "user", content: "x".repeat(12_000) }] };
    expect(estimatePromptTokens(req)).toBeGreaterThan(12_000 / 4);
  });
});
