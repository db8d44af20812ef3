import { describe, expect, it } from "vitest";
import { attack } from "../../test/support/redteam.ts";
import type { KnownValue, PiiKind } from "./index.ts";
import { findPii, tokenizeText } from "./index.ts";

const ann: KnownValue[] = [
  { kind: "NAME", value: "Ann Lee" },
  { kind: "NAME", value: "Ann" },
  { kind: "NAME", value: "Lee" },
  { kind: "EMAIL", value: "Ann.Lee@Example.com" },
  { kind: "PHONE", value: "+44 7700 900123" },
  { kind: "ADDRESS", value: "12 Example Road, Testville" },
];
const pairs = (text: string, known: readonly KnownValue[] = ann) => findPii(text, known).map((s) => [s.kind, s.value]);

/** A vault stand-in: same value -> same token, counters per kind. */
function vault() {
  const seen = new Map<string, string>();
  const count = new Map<PiiKind, number>();
  return (kind: PiiKind, value: string) => {
    const key = `${kind}:${value.toLowerCase()}`;
    let t = seen.get(key);
    if (t === undefined) {
      const n = (count.get(kind) ?? 0) + 1;
      count.set(kind, n);
      t = `[${kind}_${n}]`;
      seen.set(key, t);
    }
    return t;
  };
}

describe("findPii: known values", () => {
  it("matches case-insensitively, longest first", () => {
    expect(pairs("ANN LEE called; ann said lee is fine")).toEqual([
      ["NAME", "ANN LEE"],
      ["NAME", "ann"],
      ["NAME", "lee"],
    ]);
  });
  it("respects word boundaries", () => {
    expect(pairs("Annual fee, Leeds office, Ann's case")).toEqual([["NAME", "Ann"]]);
  });
  it("tolerates other whitespace and apostrophes", () => {
    const k: KnownValue[] = [{ kind: "NAME", value: "Siobhán O'Connor" }];
    expect(pairs("Siobhán\nO\u2019Connor wrote", k)).toEqual([["NAME", "Siobhán\nO\u2019Connor"]]);
    expect(pairs("12 example road testville")).toEqual([["ADDRESS", "12 example road testville"]]);
  });
  it("handles non-Latin names, with and without spaces between words", () => {
    const k: KnownValue[] = [
      { kind: "NAME", value: "陈伟" },
      { kind: "NAME", value: "Ольга" },
    ];
    expect(pairs("客户陈伟说", k)).toEqual([["NAME", "陈伟"]]);
    expect(pairs("ОЛЬГА звонила, Ольгастрой нет", k)).toEqual([["NAME", "ОЛЬГА"]]);
  });
  it("matches a known phone in any format (digits only)", () => {
    expect(pairs("call 07700 900123 or +44 (0)7700-900-123 or 00447700900123")).toEqual([
      ["PHONE", "07700 900123"],
      ["PHONE", "+44 (0)7700-900-123"],
      ["PHONE", "00447700900123"],
    ]);
    const us: KnownValue[] = [{ kind: "PHONE", value: "(415) 555-0132" }];
    expect(pairs("+1 415 555 0132 / 4155550132 / 1-415-555-0132", us).map((p) => p[1])).toEqual([
      "+1 415 555 0132",
      "4155550132",
      "1-415-555-0132",
    ]);
  });
  it("matches a known email case-insensitively but not inside a longer address", () => {
    expect(pairs("mail ANN.LEE@example.COM or xann.lee@example.com")).toEqual([
      ["EMAIL", "ANN.LEE@example.COM"],
      ["EMAIL", "xann.lee@example.com"],
    ]);
  });
  it("ignores known values too short to be safe", () => {
    expect(pairs("J. said hi", [{ kind: "NAME", value: "J" }])).toEqual([]);
  });
});

describe("findPii: overlaps", () => {
  it("returns sorted, non-overlapping spans", () => {
    const text = "Ann Lee <ann.lee@example.com> +44 7700 900123, card 4111 1111 1111 1111, 192.0.2.1";
    const spans = findPii(text, ann);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.value);
    expect(spans.map((s) => s.kind)).toEqual(["NAME", "EMAIL", "PHONE", "CARD", "IP"]);
  });
  it("prefers a known value over a pattern hit", () => {
    const k: KnownValue[] = [{ kind: "PHONE", value: "020 7946 0958" }];
    expect(pairs("+44 20 7946 0958 2", k)).toEqual([["PHONE", "+44 20 7946 0958"]]);
  });
  it("lets a pattern hit of another kind swallow a known value inside it", () => {
    expect(pairs("ann@example.org")).toEqual([["EMAIL", "ann@example.org"]]);
  });
  it("prefers the longer pattern span", () => {
    expect(pairs("+1 415-555-0132", [])).toEqual([["PHONE", "+1 415-555-0132"]]);
  });
});

describe("tokenizeText", () => {
  it("replaces spans with stable tokens", () => {
    const t = vault();
    const out = tokenizeText("Ann Lee (ann.lee@example.com) - ring Ann on 07700 900123", ann, t);
    expect(out).toBe("[NAME_1] ([EMAIL_1]) - ring [NAME_2] on [PHONE_1]");
    expect(tokenizeText("ann again", ann, t)).toBe("[NAME_2] again");
  });
  it("passes existing tokens through untouched and is idempotent", () => {
    const t = vault();
    const k: KnownValue[] = [
      { kind: "NAME", value: "Name" },
      { kind: "NAME", value: "Email" },
    ];
    expect(tokenizeText("[NAME_1] wrote from [EMAIL_12] about [CARD_3]", k, t)).toBe(
      "[NAME_1] wrote from [EMAIL_12] about [CARD_3]",
    );
    const once = tokenizeText("Ann: card 4111 1111 1111 1111, ip 2001:db8::7", ann, t);
    expect(tokenizeText(once, ann, t)).toBe(once);
  });
  it("returns text without PII unchanged", () => {
    const text = "Order ORD-100234 of $1,234.56 ships 2026-11-23 14:30 (v2.3.1).";
    expect(tokenizeText(text, ann, vault())).toBe(text);
    expect(tokenizeText("", ann, vault())).toBe("");
  });
});

describe("linear time on hostile input", () => {
  const cases: [string, string][] = [
    ["digits", "4".repeat(200_000)],
    ["digit groups", "4111 ".repeat(50_000)],
    ["at signs", "a".repeat(100_000) + "@".repeat(100_000)],
    ["colons", "a:".repeat(100_000)],
    ["hex colons", `${"ab:".repeat(60_000)}::`],
    ["iban-ish", "GB82 ".repeat(50_000)],
    ["word run", "x".repeat(300_000)],
    ["plus digits", "+1 2 ".repeat(50_000)],
    // the name and address guesses
    ["capitalised words", "Anna ".repeat(60_000)],
    ["name particles", "Maria de la ".repeat(30_000)],
    ["street after number", "12 Main Street ".repeat(20_000)],
    ["street before number", "Via Roma 1 ".repeat(30_000)],
    ["compound street", `${"Hauptstraße ".repeat(25_000)}1`],
    ["name cues", "my name is ".repeat(30_000)],
    ["address cues", "I live at 1 ".repeat(25_000)],
  ];
  // A message an agent or a widget visitor controls, built to make the
  // scanner backtrack or rescan (quadratic time would stall the proxy).
  attack(
    {
      surface: "cell",
      class: "input",
      tries: "stall the PII scanner with 300 KB of adversarial text (15 shapes)",
      evidence: "findPii returns within 2 s for each",
    },
    () => {
      for (const [name, text] of cases) {
        const t0 = performance.now();
        findPii(text, ann);
        expect(performance.now() - t0, name).toBeLessThan(2_000);
      }
    },
    60_000,
  );
});
