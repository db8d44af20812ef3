import { describe, expect, it } from "vitest";
import { maskForModel, unmask } from "./masking.ts";
import { TokenTable } from "./table.ts";

describe("masking a prompt for the model", () => {
  const table = () => {
    const t = new TokenTable();
    t.known = [
      { kind: "NAME", value: "Maria Alvarez" },
      { kind: "EMAIL", value: "maria.alvarez@example.com" },
    ];
    t.assign("NAME", "Maria Alvarez", "record");
    return t;
  };

  it("replaces every PII-looking span, real or not, and gives each spelling back", () => {
    const t = table();
    const { texts, masked } = maskForModel(
      ["Hi Maria Alvarez, MARIA.ALVAREZ@example.com or mario@example.com?", "again Maria Alvarez"],
      t,
    );
    expect(texts.join(" ")).not.toMatch(/maria|mario/i);
    expect(masked.map((m) => [m.literal, m.real, m.shown])).toEqual([
      ["Maria Alvarez", true, "[NAME_1]"],
      ["MARIA.ALVAREZ@example.com", true, "[EMAIL]"],
      ["mario@example.com", false, "[EMAIL]"],
    ]);
    // The same spelling gets the same placeholder within the call.
    expect(texts[1]).toBe(`again ${masked[0]!.placeholder}`);
    expect(unmask(texts[0]!, masked, (m) => m.literal)).toBe(
      "Hi Maria Alvarez, MARIA.ALVAREZ@example.com or mario@example.com?",
    );
  });

  it("mints no token (a new token number would tell a right guess from a wrong one)", () => {
    const t = table();
    maskForModel(["write to maria.alvarez@example.com and x@y.example"], t);
    expect(t.drain()).toEqual({ "[NAME_1]": expect.anything() });
    expect(t.byToken.size).toBe(1);
  });

  it("placeholders are not tokens and differ between calls", () => {
    const a = maskForModel(["Maria Alvarez"], table()).texts[0]!;
    const b = maskForModel(["Maria Alvarez"], table()).texts[0]!;
    expect(a).toMatch(/^\[NAME_X[0-9A-F]{6}N1\]$/);
    expect(a).not.toMatch(/^\[[A-Z]+_\d+\]$/);
    expect(a === b).toBe(false);
  });

  it("remembers a string's scan only for the known values it was scanned with", () => {
    const t = table();
    // A street the scanner cannot guess alone: masked only once it is a known value.
    const text = "ship it to Quillmoor Lane please";
    expect(maskForModel([text], t).texts).toEqual([text]);
    expect(t.learn("NAME", "Quillmoor")).toBe(true);
    const after = maskForModel([text], t);
    expect(after.texts[0]).not.toContain("Quillmoor");
    expect(after.masked.map((m) => [m.literal, m.real])).toEqual([["Quillmoor", true]]);
  });
});
