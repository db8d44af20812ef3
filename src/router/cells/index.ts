/**
 * Invoke an agent hop: the one seam where the router's dispatch meets an
 * agent, whatever runs it. SILOOS_AGENT_MODE picks how the cell is built:
 * - service: the agent's own Worker through its service binding (its
 *   wrangler.toml labels its PROXY binding and, locally, its outbound);
 * - loader: a fresh dynamic Worker per hop from the agent's published build,
 *   env = { PROXY: the proxy's door labelled with the agent }, globalOutbound
 *   = the egress guard labelled with the agent and the task;
 * - namespace: the agent's user Worker in a dispatch namespace, the egress
 *   guard as outbound Worker (params agent, task), and the labelled door
 *   handed over as an RPC argument of the call.
 * In every mode the agent's name comes from the router's registry, never
 * from the agent.
 */
import { type AgentMode, AgentModeSchema } from "../../contracts/cell.ts";
import type { AgentEntry } from "../../registry/index.ts";
import type { CellEnv } from "./env.ts";
import { loaderCell } from "./loader.ts";
import { namespaceCell } from "./namespace.ts";

export type { CellEnv } from "./env.ts";

/** The agent's RPC surface for one hop (run, or a test fixture's own method). */
export interface Cell {
  invoke(method: string, arg: unknown): Promise<unknown>;
}

/** A cell, or why none could be opened (the run fails closed with it). */
export type CellOpening = { ok: true; cell: Cell } | { ok: false; reason: string };

export function agentMode(env: CellEnv): AgentMode | null {
  const parsed = AgentModeSchema.safeParse(env.SILOOS_AGENT_MODE ?? "service");
  return parsed.success ? parsed.data : null;
}

export async function openCell(env: CellEnv, agent: AgentEntry, taskId: string): Promise<CellOpening> {
  const mode = agentMode(env);
  if (mode === null)
    return { ok: false, reason: "agent_unavailable: SILOOS_AGENT_MODE must be service, loader or namespace" };
  if (mode === "loader") return loaderCell(env, agent, taskId);
  if (mode === "namespace") return namespaceCell(env, agent, taskId);
  const binding = env[agent.binding as `AGENT_${string}`] as unknown as
    | Record<string, (arg: unknown) => Promise<unknown>>
    | undefined;
  if (!binding) return { ok: false, reason: "agent_unavailable: no binding for this agent" };
  return { ok: true, cell: { invoke: (method, arg) => binding[method]!(arg) } };
}
