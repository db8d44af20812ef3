// Operator CLI: tokenize PII in text read from stdin, one output line per
// input line, tokens stable across the whole run ("[EMAIL_1]" is the same
// address everywhere). Pattern detectors only: no known values here.
//   npm run redact < chat.log > chat.redacted.log
//   npm run redact            (interactive: type a line, get it back redacted)
import { createInterface } from "node:readline";
import { once } from "node:events";
import { tokenizeText } from "../src/scan/index.ts";
import type { PiiKind } from "../src/scan/index.ts";

const tokens = new Map<string, string>();
const counters = new Map<PiiKind, number>();

/** Same value -> same token; emails compared case-insensitively, numbers by digits. */
function tokenFor(kind: PiiKind, value: string): string {
  const key = `${kind}\u0000${normalise(kind, value)}`;
  let token = tokens.get(key);
  if (token === undefined) {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    token = `[${kind}_${n}]`;
    tokens.set(key, token);
  }
  return token;
}

function normalise(kind: PiiKind, value: string): string {
  switch (kind) {
    case "PHONE":
    case "CARD":
    case "SSN":
      return value.replace(/\D+/g, "");
    case "IBAN":
      return value.replace(/\s+/g, "").toUpperCase();
    default:
      return value.toLowerCase();
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
for await (const line of rl) {
  // Respect back-pressure so a huge file piped into a slow reader stays bounded.
  if (!process.stdout.write(tokenizeText(line, [], tokenFor) + "\n")) await once(process.stdout, "drain");
}
