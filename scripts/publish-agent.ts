/**
 * npm run publish:agent -- <name> [--remote]
 * Loader mode: builds agents/<name> (its own bundle, compatibility settings
 * and [limits]) into a versioned record and publishes it to the router's
 * CELL_CODE namespace: the version first, then the agent's current pointer.
 * The router reads the pointer at every hop, so the next hop runs the new
 * build; the router is not redeployed. Without --remote it only writes the
 * record to .wrangler/cells/ and prints what it would publish (local dev
 * publishes every agent at boot).
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildAgentCode, publishEntries } from "../tools/local/agent-code.ts";
import { agentDirs, compileRegistry } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";

const name = process.argv[2];
const remote = process.argv.includes("--remote");
const dirs = await agentDirs(join(ROOT, "agents"));
const dir = dirs.find((d) => d.endsWith(`/agents/${name}`));
if (!name || !dir) {
  console.error(`usage: npm run publish:agent -- <${dirs.map((d) => d.split("/").pop()).join("|")}> [--remote]`);
  process.exit(1);
}
const code = await buildAgentCode(dir, await compileRegistry(dirs));
const out = join(ROOT, ".wrangler/cells");
await mkdir(out, { recursive: true });
for (const [i, [key, value]] of publishEntries(code).entries()) {
  const file = join(out, `${code.name}@${code.version}.${i}`);
  await writeFile(file, value);
  // wrangler.loader.toml (npm run build:modes) binds CELL_CODE with the namespace id you set there.
  const args = [
    "wrangler",
    "kv",
    "key",
    "put",
    key,
    "--path",
    file,
    "--binding",
    "CELL_CODE",
    "-c",
    join(ROOT, "wrangler.loader.toml"),
    "--remote",
  ];
  if (remote) execFileSync("npx", args, { stdio: "inherit", cwd: ROOT });
  else console.log(`would run: npx ${args.join(" ")}`);
}
console.log(
  `${code.name}@${code.version} ${remote ? "published" : "built"} (${Math.round(code.modules["main.js"]!.length / 1024)} KiB, limits cpu ${code.limits.cpuMs} ms, ${code.limits.subRequests} subrequests)`,
);
