import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("operator passwords", () => {
  it("hashes with PBKDF2 and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse battery staple", 1000);
    expect(stored).toMatch(/^pbkdf2\$1000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", stored)).toBe(false);
    expect(await verifyPassword("x", "plaintext")).toBe(false);
  });
});
