// The known-value prefilter (anchors.ts) must never skip a text the value's
// regex matches: case-insensitive forms that lower-casing treats differently
// (Turkish İ/ı, long s, Kelvin sign, upper case), separators, phone formats.
import { describe, expect, it } from "vitest";
import { findPii } from "./index.ts";
import type { KnownValue } from "./index.ts";
import { digitAnchor, mayHold, wordAnchor } from "./anchors.ts";

const found = (text: string, known: KnownValue[]) => findPii(text, known).map((s) => [s.kind, s.value]);

describe("known-value anchors", () => {
  it("picks a run of ASCII letters and digits without 'i', or none", () => {
    expect(wordAnchor("Kristina Sokolova")).toBe("sokolova");
    expect(wordAnchor("ann.lee@example.com")).toBe("example");
    expect(wordAnchor("王伟")).toBe("");
    expect(digitAnchor("PHONE", "+44 7700 900123")).toBe("7700900123");
    expect(digitAnchor("CARD", "4111 1111 1111 1111")).toBe("4111111111111111");
  });

  it.each([
    ["KRİSTİNA SOKOLOVA called", "Kristina Sokolova", "KRİSTİNA SOKOLOVA"],
    ["yılmaz called", "Yılmaz", "yılmaz"],
    ["YILMAZ called", "Yılmaz", "YILMAZ"],
    ["Kriſtina called", "Kristina", "Kriſtina"],
    ["ſokolova called", "Sokolova", "ſokolova"],
    ["\u212Aristina called", "Kristina", "\u212Aristina"],
    ["ann  LEE called", "Ann Lee", "ann  LEE"],
    ["O\u2019Connor called", "O'Connor", "O\u2019Connor"],
  ])("finds the known name in %j", (text, value, expected) => {
    expect(found(text, [{ kind: "NAME", value }])).toContainEqual(["NAME", expected]);
  });

  it.each([
    ["call 07700-900-123", "+44 7700 900123", "07700-900-123"],
    ["call (0)7700 900 123", "+44 7700 900123", "(0)7700 900 123"],
    ["iban gb82 west 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32", "gb82 west 1234 5698 7654 32"],
  ])("finds the known number in %j", (text, value, expected) => {
    const kind = value.startsWith("GB") ? "IBAN" : "PHONE";
    expect(found(text, [{ kind, value }])).toContainEqual([kind, expected]);
  });

  it("skips only texts that cannot hold the value", () => {
    expect(mayHold("nothing to see here", [wordAnchor("Ann Lee")], false)).toBe(false);
    expect(mayHold("ANN is here", [wordAnchor("Ann Lee")], false)).toBe(true);
    expect(mayHold("no digits", [digitAnchor("PHONE", "+44 7700 900123")], true)).toBe(false);
    expect(mayHold("any text", ["", "x"], false)).toBe(true);
  });
});
