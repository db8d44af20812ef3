/**
 * npm run redteam: runs every hostile test (declared with test/support/redteam.ts's
 * attack()) and prints the table: attack, verdict, evidence, with counts per
 * surface and class. Exits non-zero if any attack was not held.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
// vitest.config.ts writes its JSON report here.
const out = join(ROOT, "test-artifacts/vitest-results.json");
mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });

const run = spawnSync(
  join(ROOT, "node_modules/.bin/vitest"),
  ["run", "--project", "node", "-t", "attack (cell|edge)/", ...process.argv.slice(2)],
  { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
);

interface Assertion {
  title: string;
  fullName: string;
  status: string;
  failureMessages: string[];
}
const report = JSON.parse(readFileSync(out, "utf8")) as {
  testResults: Array<{ name: string; assertionResults: Assertion[] }>;
};
const TITLE = /attack (cell|edge)\/([a-z-]+): (.+?) => (.+)$/;

const rows: Array<{ surface: string; cls: string; tries: string; evidence: string; verdict: string; file: string }> =
  [];
for (const file of report.testResults) {
  for (const a of file.assertionResults) {
    const m = TITLE.exec(a.title);
    if (!m || a.status === "skipped" || a.status === "pending") continue;
    rows.push({
      surface: m[1]!,
      cls: m[2]!,
      tries: m[3]!,
      evidence: m[4]!,
      verdict: a.status === "passed" ? "held" : "BROKEN",
      file: file.name.replace(`${ROOT}/`, ""),
    });
  }
}
rows.sort((a, b) => a.surface.localeCompare(b.surface) || a.cls.localeCompare(b.cls) || a.tries.localeCompare(b.tries));

const w = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
console.log(`\n${w("surface/class", 26)} ${w("attack", 64)} ${w("verdict", 7)} evidence`);
for (const r of rows)
  console.log(`${w(`${r.surface}/${r.cls}`, 26)} ${w(r.tries, 64)} ${w(r.verdict, 7)} ${r.evidence}`);

const kinds = new Set(rows.map((r) => `${r.surface}/${r.cls}: ${r.tries}`));
const by = (s: string) => rows.filter((r) => r.surface === s);
const broken = rows.filter((r) => r.verdict !== "held");
console.log(
  `\nattack kinds: ${kinds.size} (cell ${by("cell").length}, edge ${by("edge").length}); classes: ${new Set(rows.map((r) => `${r.surface}/${r.cls}`)).size}`,
);
console.log(`${rows.length - broken.length} held, ${broken.length} broken`);
process.exit(broken.length > 0 || run.status !== 0 ? 1 : 0);
