/**
 * How an agent runs (its cell), shared by the router, the local system and
 * the publish script. One definition of: the modes, the code record the
 * loader reads, where it is kept, and the ceiling on an agent's limits.
 */
import { z } from "zod";

/** service: one Worker per agent, service bindings (local default). loader: Worker Loader. namespace: Workers for Platforms. */
export const AGENT_MODES = ["service", "loader", "namespace"] as const;
export type AgentMode = (typeof AGENT_MODES)[number];
export const AgentModeSchema = z.enum(AGENT_MODES);

/**
 * The most an agent may use in one invocation. Each agent's wrangler.toml
 * `[limits]` must stay within it (test/cell-config.test.ts); the router
 * passes it again at dispatch so an uploaded config cannot raise it.
 */
export const CELL_LIMITS = { cpuMs: 5_000, subRequests: 100 } as const;

/** One published build of one agent folder: what the Worker Loader is given. */
export const AgentCodeSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
    version: z.string().regex(/^[0-9a-f]{12,64}$/),
    compatibilityDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    compatibilityFlags: z.array(z.string()).default([]),
    mainModule: z.string().min(1),
    modules: z.record(z.string(), z.string()),
    limits: z.object({ cpuMs: z.number().int().positive(), subRequests: z.number().int().positive() }),
  })
  .strict();
export type AgentCode = z.infer<typeof AgentCodeSchema>;

/**
 * Keys in the CELL_CODE namespace: a version is written once, then the
 * agent's current pointer moves to it (publishing one agent touches two keys
 * and never the router).
 */
export const cellCodeKeys = {
  current: (agent: string) => `agent/${agent}/current`,
  version: (agent: string, version: string) => `agent/${agent}/v/${version}`,
};
