// Operator CLI: tokenize PII in text read from stdin, one output line per
// input line, tokens stable across the whole run ("[EMAIL_1]" is the same
// address everywhere). Pattern detectors only: no known values here.
//   npm run redact < chat.log > chat.redacted.log
//   npm run redact            (interactive: type a line, get it back redacted)
// It runs the vault's own token table (src/vault/table.ts), so it shows what
// the vault does: same tokens, same spellings treated as one value
// (normaliseValue in src/contracts/tokens.ts).

import { once } from "node:events";
import { createInterface } from "node:readline";
import { TokenTable } from "../src/vault/table.ts";

const table = new TokenTable();

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
for await (const line of rl) {
  // Respect back-pressure so a huge file piped into a slow reader stays bounded.
  if (!process.stdout.write(`${table.tokenize(line)}\n`)) await once(process.stdout, "drain");
  table.drain();
}
