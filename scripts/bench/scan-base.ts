/**
 * The scanner as it is at git ref `ref`: `src/scan` and `src/contracts`
 * (and any `extra` paths) extracted to a fresh temporary folder, for the
 * scan tools' before/after comparisons. Returns the folder.
 */
import { execSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

export function extractScanner(ref: string, extra: readonly string[] = []): string {
  const dir = mkdtempSync(join(os.tmpdir(), "scan-base-"));
  execSync(`git archive ${ref} src/scan src/contracts ${extra.join(" ")} | tar -x -C ${dir}`, {
    cwd: join(import.meta.dirname, "../.."),
  });
  return dir;
}
