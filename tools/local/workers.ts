/**
 * Every Worker of SiloOS, named by its wrangler config, in the order a deploy
 * must follow: what others bind comes first (proxy, egress guard), then the
 * agents that bind the proxy, then the router that binds them all.
 */
import { access } from "node:fs/promises";
import { basename, join } from "node:path";
import { agentDirs } from "./registry.ts";

export type WorkerKind = "proxy" | "egress" | "agent" | "router" | "fixture";

export interface WorkerConfig {
  /** The Worker's name (its folder's name for agents). */
  name: string;
  kind: WorkerKind;
  /** Path of its wrangler.toml. */
  config: string;
}

const ROOT = join(import.meta.dirname, "../..");

/** An agent's bundle must stay small: it is loaded for every task step. */
export const AGENT_GZIP_BUDGET_KIB = 100;

export async function workerConfigs(opts: { fixtures?: boolean } = {}): Promise<WorkerConfig[]> {
  const agents = await agentDirs(join(ROOT, "agents"));
  const fixtures = opts.fixtures ? await fixtureAgentDirs() : [];
  return [
    { name: "siloos-proxy", kind: "proxy", config: join(ROOT, "src/proxy/wrangler.toml") },
    { name: "siloos-egress", kind: "egress", config: join(ROOT, "src/egress/wrangler.toml") },
    ...agents.map((d): WorkerConfig => ({ name: basename(d), kind: "agent", config: join(d, "wrangler.toml") })),
    ...fixtures.map((d): WorkerConfig => ({ name: basename(d), kind: "fixture", config: join(d, "wrangler.toml") })),
    { name: "siloos-router", kind: "router", config: join(ROOT, "wrangler.toml") },
  ];
}

/** Test fixture agents (hostile, puppet, …): built like agents, never deployed. */
async function fixtureAgentDirs(): Promise<string[]> {
  const dirs = await agentDirs(join(ROOT, "test/fixtures/agents"));
  const withConfig = await Promise.all(
    dirs.map((d) =>
      access(join(d, "wrangler.toml")).then(
        () => d,
        () => null,
      ),
    ),
  );
  return withConfig.filter((d): d is string => d !== null);
}
