/**
 * node scripts/fix-lockfile.ts — keep `npm ci` working when the registry this
 * machine reaches lacks another platform's build of a native package (here:
 * workerd's darwin and windows builds of the newest release). `npm install`
 * then leaves those optional packages out of package-lock.json, and `npm ci`
 * refuses the lock. This adds the missing optional-platform entries (no
 * integrity: they are only fetched on their own platform, from the real registry).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const path = join(import.meta.dirname, "../package-lock.json");
const lock = JSON.parse(await readFile(path, "utf8")) as { packages: Record<string, Record<string, unknown>> };
const added: string[] = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  const optional = pkg.optionalDependencies as Record<string, string> | undefined;
  for (const [name, version] of Object.entries(optional ?? {})) {
    // Beside the package that wants it: node_modules/x → node_modules/<name>, a/node_modules/x → a/node_modules/<name>.
    const entry = `${key.slice(0, key.lastIndexOf("node_modules/") + "node_modules/".length)}${name}`;
    const platform = /-(darwin|linux|windows|win32)-(64|arm64|x64)$/.exec(name);
    if (lock.packages[entry]?.version === version || !platform) continue;
    const os = platform[1] === "windows" ? "win32" : platform[1]!;
    const cpu = platform[2] === "64" ? "x64" : platform[2]!;
    lock.packages[entry] = { version, cpu: [cpu], dev: pkg.dev ?? true, optional: true, os: [os] };
    added.push(`${name}@${version} (for ${key || "root"})`);
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
await writeFile(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(added.length ? `added: ${added.join(", ")}` : "lockfile already complete");
