/**
 * Builds an agent folder into the record the Worker Loader runs (Node side):
 * the folder's own bundle, its compatibility settings and its `[limits]`,
 * versioned by content. `npm run publish:agent` and the local system in
 * loader and namespace modes both publish through here.
 */
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { type AgentCode, AgentCodeSchema, cellCodeKeys } from "../../src/contracts/cell.ts";
import type { Registry } from "../../src/registry/schema.ts";
import { bundleWorker } from "./bundle.ts";

interface AgentWranglerConfig {
  name: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  limits?: { cpu_ms?: number; subrequests?: number };
}

export async function buildAgentCode(dir: string, registry: Registry): Promise<AgentCode> {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(dir, "wrangler.toml") }) as unknown as AgentWranglerConfig;
  if (config.name !== basename(dir)) throw new Error(`${dir}: wrangler.toml name ${config.name} must match the folder`);
  const { cpu_ms, subrequests } = config.limits ?? {};
  if (!cpu_ms || !subrequests) throw new Error(`${dir}/wrangler.toml: [limits] cpu_ms and subrequests are required`);
  const bundle = await bundleWorker(join(dir, "main.ts"), registry);
  const body = {
    name: config.name,
    compatibilityDate: config.compatibility_date ?? "",
    compatibilityFlags: config.compatibility_flags ?? [],
    mainModule: "main.js",
    modules: { "main.js": bundle.contents },
    limits: { cpuMs: cpu_ms, subRequests: subrequests },
  };
  const version = createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 16);
  return AgentCodeSchema.parse({ ...body, version });
}

/** The two writes of a publish, in order: the version first, then the pointer to it. */
export function publishEntries(code: AgentCode): Array<[key: string, value: string]> {
  return [
    [cellCodeKeys.version(code.name, code.version), JSON.stringify(code)],
    [cellCodeKeys.current(code.name), code.version],
  ];
}

export interface KvWriter {
  put(key: string, value: string): Promise<unknown>;
}

export async function publishAgentCode(kv: KvWriter, code: AgentCode): Promise<void> {
  for (const [key, value] of publishEntries(code)) await kv.put(key, value);
}
