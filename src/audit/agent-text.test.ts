import { describe, expect, it } from "vitest";
import { auditableText, digestText } from "./agent-text.ts";

describe("agent-chosen text on its way into the audit log", () => {
  it("cuts base64 and hex runs, keeps words, ids and amounts", () => {
    const b64 = btoa("Maria Alvarez");
    expect(auditableText(`note ${b64} for ord_5001 of 700.00 USD`)).toBe(
      "note [OPAQUE 20 chars] for ord_5001 of 700.00 USD",
    );
    expect(auditableText(`hex 4d6172696120416c766172657a`)).toBe("hex [OPAQUE 26 chars]");
    expect(auditableText(`base64 without digits ${btoa("MariaAlvarez!!!")}`)).toContain("[OPAQUE");
    expect(
      auditableText("internationalization RefundConfirmationTemplate tsk_0123456789abcdef customer-request-delivered"),
    ).toBe("internationalization RefundConfirmationTemplate tsk_0123456789abcdef customer-request-delivered");
    // Inside a URL path, after an underscore, or base64url: still cut.
    expect(auditableText(`https://x.example/${b64}`)).toBe("https://x.[OPAQUE 28 chars]");
    expect(auditableText(`x_${b64.replace(/=/g, "")}`)).toBe("[OPAQUE 20 chars]");
  });

  it("caps length", () => {
    expect(auditableText("a ".repeat(1000), 10)).toBe("a a a a a … [1990 chars cut]");
  });

  it("a digest holds a length and a short hash, never the text", async () => {
    const d = await digestText("evil.attacker.example");
    expect(d).toEqual({ chars: 21, sha256: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(JSON.stringify(d)).not.toContain("attacker");
  });
});
