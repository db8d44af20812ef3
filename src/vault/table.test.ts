import { describe, expect, it } from "vitest";
import { TokenTable } from "./table.ts";

describe("TokenTable", () => {
  it("gives the same value the same token in any spelling, and counts per kind", () => {
    const t = new TokenTable();
    t.known = [
      { kind: "NAME", value: "Maria Alvarez" },
      { kind: "PHONE", value: "+1 415 555 0132" },
    ];
    expect(t.tokenize("MARIA ALVAREZ called from (415) 555-0132 and +1 415 555 0132")).toBe(
      "[NAME_1] called from [PHONE_1] and [PHONE_1]",
    );
    expect(t.assign("EMAIL", "Maria.Alvarez@Example.com")).toBe("[EMAIL_1]");
    expect(t.assign("EMAIL", "maria.alvarez@example.com")).toBe("[EMAIL_1]");
    expect(t.assign("EMAIL", "kwame.mensah@example.org")).toBe("[EMAIL_2]");
  });

  it("hydrates only its own tokens and reports foreign ones", () => {
    const t = new TokenTable();
    t.assign("NAME", "Maria Alvarez", "record");
    expect(t.hydrate("Hi [NAME_1], see [NAME_2]")).toEqual({
      text: "Hi Maria Alvarez, see [NAME_2]",
      unknown: ["[NAME_2]"],
      withheld: [],
    });
  });

  it("rebuilds counters from storage so new values never reuse a token", () => {
    const a = new TokenTable();
    a.assign("NAME", "A Person");
    a.assign("NAME", "B Person");
    const b = new TokenTable();
    for (const [key, entry] of Object.entries(a.drain())) b.load(key, entry);
    expect(b.assign("NAME", "C Person")).toBe("[NAME_3]");
    expect(b.assign("NAME", "a person")).toBe("[NAME_1]");
  });
});
