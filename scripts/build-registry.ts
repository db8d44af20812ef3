/**
 * npm run build:registry — compile agents/<name>/ into the organisation's
 * registry (src/registry/registry.generated.json) and the router's agent
 * bindings in wrangler.toml, then the router's generated Env types (npm run
 * types). Run before deploy; the tests check both are in sync.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { agentDirs, compileRegistry } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";
import { routerAgentBindings } from "../tools/local/wrangler-bindings.ts";
import { generateEnvTypes } from "./types.ts";

const registry = await compileRegistry(await agentDirs(join(ROOT, "agents")));
await writeFile(join(ROOT, "src/registry/registry.generated.json"), `${JSON.stringify(registry, null, 2)}\n`);
const tomlPath = join(ROOT, "wrangler.toml");
await writeFile(tomlPath, routerAgentBindings(await readFile(tomlPath, "utf8"), registry));
console.log(`registry: ${registry.agents.map((a) => a.name).join(", ")} (${registry.templates.length} templates)`);
generateEnvTypes();
