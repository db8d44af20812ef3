/**
 * Loader mode: each hop loads the agent's current published build as a new
 * dynamic Worker (env.LOADER.load, never cached by id), so nothing an agent
 * keeps in memory outlives its hop, and publishing a build (two CELL_CODE
 * keys) changes the next hop without touching the router.
 */
import { type AgentCode, AgentCodeSchema, CELL_LIMITS, cellCodeKeys } from "../../contracts/cell.ts";
import type { AgentEntry } from "../../registry/index.ts";
import type { CellEnv } from "./env.ts";
import type { CellOpening } from "./index.ts";

type Entrypoint = Record<string, (arg: unknown) => Promise<unknown>>;

export async function loaderCell(env: CellEnv, agent: AgentEntry, taskId: string): Promise<CellOpening> {
  const { LOADER, CELL_CODE, EGRESS } = env;
  if (!LOADER || !CELL_CODE || !EGRESS)
    return { ok: false, reason: "agent_unavailable: loader mode needs LOADER, CELL_CODE and EGRESS" };
  const code = await currentCode(CELL_CODE, agent.name);
  if (!code) return { ok: false, reason: "agent_unavailable: no published build for this agent" };
  const [door, guard] = await Promise.all([env.PROXY.agentDoor(agent.name), EGRESS.guardFor(agent.name, taskId)]);
  const worker = LOADER.load({
    compatibilityDate: code.compatibilityDate,
    compatibilityFlags: code.compatibilityFlags,
    mainModule: code.mainModule,
    modules: code.modules,
    // The only binding: the proxy's agent door, labelled with this agent's name.
    env: { PROXY: door },
    // Every fetch() and connect() goes to the guard, which denies and audits with the task.
    globalOutbound: guard as unknown as Fetcher,
    limits: {
      cpuMs: Math.min(code.limits.cpuMs, CELL_LIMITS.cpuMs),
      subRequests: Math.min(code.limits.subRequests, CELL_LIMITS.subRequests),
    },
  });
  const entry = worker.getEntrypoint() as unknown as Entrypoint;
  return { ok: true, cell: { invoke: (method, arg) => entry[method]!(arg) } };
}

/** The agent's current build, or null when none is published or it does not parse. */
async function currentCode(kv: KVNamespace, agent: string): Promise<AgentCode | null> {
  const version = await kv.get(cellCodeKeys.current(agent));
  if (!version) return null;
  const parsed = AgentCodeSchema.safeParse(await kv.get(cellCodeKeys.version(agent, version), "json"));
  // A build filed under another agent's name must not run as this one.
  return parsed.success && parsed.data.name === agent && parsed.data.version === version ? parsed.data : null;
}
