/**
 * npm run build:modes — writes the wrangler configs of the loader and
 * namespace modes next to the committed ones (git-ignored):
 *   wrangler.loader.toml, wrangler.namespace.toml (the router),
 *   agents/<name>/wrangler.namespace.toml (each agent as a user Worker).
 * Deploying them: docs/egress.md.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { namespaceAgentConfig, routerConfigFor } from "../tools/local/mode-configs.ts";
import { agentDirs } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";

const router = await readFile(join(ROOT, "wrangler.toml"), "utf8");
const written: string[] = [];
for (const mode of ["loader", "namespace"] as const) {
  const path = join(ROOT, `wrangler.${mode}.toml`);
  await writeFile(path, routerConfigFor(mode, router));
  written.push(path);
}
for (const dir of await agentDirs(join(ROOT, "agents"))) {
  const path = join(dir, "wrangler.namespace.toml");
  await writeFile(path, namespaceAgentConfig(await readFile(join(dir, "wrangler.toml"), "utf8")));
  written.push(path);
}
console.log(written.map((p) => `wrote ${relative(ROOT, p)}`).join("\n"));
