// Instructions per byte of the scanner on the bench's chat mix, counted by
// valgrind's callgrind: unlike a clock, the count hardly moves with the other
// work on this (shared, 2-core) machine, so a change of a few percent shows.
//   npx node scripts/scan-instructions.ts [--set all|digits|plain] [--base REF]
// Each figure is the difference between a run of 6 passes and a run of 2
// (start-up, JIT warm-up and the corpus build cancel out), over 4 passes'
// bytes. --base REF: the scanner of git commit REF, for a before/after.
// Needs valgrind (Debian package `valgrind`); a measuring tool, not a test.

import { execFileSync, execSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { extractScanner } from "./bench/scan-base.ts";

const ROOT = join(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const set = opt("--set") ?? "all";
const base = opt("--base");

if (argv[0] === "--child") {
  const { chatMessages, scanPass } = await import("./bench/chat-text.ts");
  const { messages } = chatMessages();
  const pick =
    argv[1] === "digits"
      ? messages.filter((m) => /\d/.test(m.text))
      : argv[1] === "plain"
        ? messages.filter((m) => !/\d/.test(m.text))
        : messages;
  const bytes = pick.reduce((n, m) => n + Buffer.byteLength(m.text), 0);
  for (let i = 0; i < Number(argv[2]); i++) scanPass(pick);
  process.stdout.write(String(bytes));
  process.exit(0);
}

const node = join(ROOT, "node_modules/.bin/node");
function count(dir: string, passes: number): { ir: number; bytes: number } {
  const out = join(mkdtempSync(join(os.tmpdir(), "scan-ir-")), "cg.out");
  const bytes = execFileSync(
    "valgrind",
    [
      "--tool=callgrind",
      `--callgrind-out-file=${out}`,
      "--dump-instr=no",
      node,
      "--single-threaded",
      "--predictable",
      join(dir, "scripts/scan-instructions.ts"),
      "--child",
      set,
      String(passes),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 20 },
  );
  const summary = /^summary: (\d+)/m.exec(readFileSync(out, "utf8"));
  rmSync(out, { force: true });
  if (!summary) throw new Error("no callgrind summary");
  return { ir: Number(summary[1]), bytes: Number(bytes) };
}
function perByte(dir: string): number {
  const lo = count(dir, 2);
  const hi = count(dir, 6);
  return (hi.ir - lo.ir) / (4 * hi.bytes);
}

const rows: [string, number][] = [];
if (base !== undefined) {
  const dir = extractScanner(base, ["scripts/bench/chat-text.ts"]);
  writeFileSync(join(dir, "package.json"), readFileSync(join(ROOT, "package.json")));
  // This script (and what it imports) from the working tree: the ref may predate them.
  execSync(
    `mkdir -p ${dir}/scripts/bench && cp ${join(ROOT, "scripts/scan-instructions.ts")} ${dir}/scripts/ && cp ${join(ROOT, "scripts/bench/scan-base.ts")} ${dir}/scripts/bench/`,
  );
  rows.push([`base ${base}`, perByte(dir)]);
}
rows.push(["this tree", perByte(ROOT)]);
for (const [name, ir] of rows)
  console.log(`${name.padEnd(24)} ${ir.toFixed(1).padStart(7)} instructions/byte (${set} messages)`);
if (rows.length === 2) console.log(`ratio ${((rows[1]?.[1] ?? 0) / (rows[0]?.[1] ?? 1)).toFixed(3)}`);
