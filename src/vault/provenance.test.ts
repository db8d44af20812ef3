import { describe, expect, it } from "vitest";
import { hydrateOutbound, maskValue, mergeProvenance } from "./provenance.ts";
import { TokenTable } from "./table.ts";

describe("token provenance", () => {
  it("keeps the more trusted provenance; agent text never upgrades a token", () => {
    expect(mergeProvenance("record", "agent")).toBe("record");
    expect(mergeProvenance("customer", "agent")).toBe("customer");
    expect(mergeProvenance("agent", "customer")).toBe("customer");
    expect(mergeProvenance("customer", "record")).toBe("record");
    const t = new TokenTable();
    expect(t.tokenize("write to x@attacker.example", "agent")).toBe("write to [EMAIL_1]");
    expect(t.byToken.get("[EMAIL_1]")?.source).toBe("agent");
    t.tokenize("my other mailbox is x@attacker.example", "customer");
    expect(t.byToken.get("[EMAIL_1]")?.source).toBe("customer");
    t.tokenize("again x@attacker.example", "agent");
    expect(t.byToken.get("[EMAIL_1]")?.source).toBe("customer");
  });

  it("a value the system of record holds is a record value, whoever writes it", () => {
    const t = new TokenTable();
    t.known = [{ kind: "EMAIL", value: "maria.alvarez@example.com" }];
    expect(t.tokenize("MARIA.ALVAREZ@example.com", "agent")).toBe("[EMAIL_1]");
    expect(t.byToken.get("[EMAIL_1]")?.source).toBe("record");
  });

  it("outbound text: agent-written values stay tokens, cards, IBANs and SSNs leave masked", () => {
    const t = new TokenTable();
    t.assign("NAME", "Maria Alvarez", "record");
    t.assign("CARD", "4111 1111 1111 1111", "customer");
    t.assign("EMAIL", "x@attacker.example", "agent");
    t.assign("IBAN", "DE89 3704 0044 0532 0130 00", "customer");
    expect(t.hydrate("[NAME_1] [CARD_1] [EMAIL_1] [IBAN_1] [NAME_9]")).toEqual({
      text: "Maria Alvarez •••• 1111 [EMAIL_1] •••• 3000 [NAME_9]",
      unknown: ["[NAME_9]"],
      withheld: ["[EMAIL_1]"],
    });
    expect(hydrateOutbound("[SSN_1]", () => ({ kind: "SSN", value: "078-05-1120", source: "record" })).text).toBe(
      "•••• 1120",
    );
    expect(maskValue("4111-1111-1111-1234")).toBe("•••• 1234");
  });
});
