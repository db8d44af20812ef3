/**
 * `npm run redact` shows what the vault does: the same tokens for the same
 * text, and the same spellings taken as one value (one normalisation,
 * src/contracts/tokens.ts). Before, redact compared phones by all their
 * digits and the vault by the last ten, SSNs by digits against by text.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normaliseValue } from "../src/contracts/tokens.ts";
import { TokenTable } from "../src/vault/table.ts";

const ROOT = join(import.meta.dirname, "..");

const LINES = [
  "mail ann@example.com or call +44 7700 900123",
  "ANN@Example.com again, from 07700 900123 this time",
  "ssn 123-45-6789, and the mobile again: +447700900123",
  "iban GB82 WEST 1234 5698 7654 32 = gb82west12345698765432",
  "card 4111 1111 1111 1111 then 4111-1111-1111-1111",
  "already tokenized: [EMAIL_1] stays as it is",
];

function redact(input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts/redact.ts")], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`redact exited ${code}: ${err}`))));
    child.stdin.end(input);
  });
}

describe("redact shows what the vault does", () => {
  it("the same lines give the same tokens as a task's token table", async () => {
    const vault = new TokenTable();
    const expected = LINES.map((line) => vault.tokenize(line));
    const got = (await redact(`${LINES.join("\n")}\n`)).split("\n").slice(0, -1);
    expect(got).toEqual(expected);
    // And the spellings are one value each: one email, one phone, one SSN, one IBAN, one card.
    const tokens = got.join(" ").match(/\[[A-Z]+_\d+\]/g) ?? [];
    expect(new Set(tokens)).toEqual(new Set(["[EMAIL_1]", "[PHONE_1]", "[SSN_1]", "[IBAN_1]", "[CARD_1]"]));
    expect(got.join("\n")).not.toMatch(/7700|6789|4111|WEST|example\.com/i);
  });

  it("one normal form per kind", () => {
    expect(normaliseValue("PHONE", "+44 7700 900123")).toBe(normaliseValue("PHONE", "07700 900123"));
    expect(normaliseValue("SSN", "123-45-6789")).toBe(normaliseValue("SSN", "123 45 6789"));
    expect(normaliseValue("CARD", "4111 1111 1111 1111")).toBe(normaliseValue("CARD", "4111-1111-1111-1111"));
    expect(normaliseValue("IBAN", "GB82 WEST 1234 5698 7654 32")).toBe(
      normaliseValue("IBAN", "gb82west12345698765432"),
    );
    expect(normaliseValue("EMAIL", " Ann@Example.com ")).toBe(normaliseValue("EMAIL", "ann@example.com"));
    expect(normaliseValue("NAME", "Maria  Alvarez")).toBe(normaliseValue("NAME", "maria alvarez"));
    expect(normaliseValue("PHONE", "+44 7700 900123")).not.toBe(normaliseValue("PHONE", "+44 7700 900124"));
  });
});
