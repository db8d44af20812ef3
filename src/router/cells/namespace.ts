/**
 * Namespace mode (Workers for Platforms): agents are user Workers in a
 * dispatch namespace, deployed with `wrangler deploy --dispatch-namespace`
 * from configs with no bindings at all. The router dispatches through the
 * namespace binding, whose outbound Worker is the egress guard (parameters:
 * agent, task), and hands the agent the proxy as an RPC capability: the
 * proxy's AgentGate labelled with the agent's name (docs/egress.md says why
 * not a service binding from the user Worker).
 */
import { CELL_LIMITS } from "../../contracts/cell.ts";
import type { AgentEntry } from "../../registry/index.ts";
import type { CellEnv } from "./env.ts";
import type { CellOpening } from "./index.ts";

type UserWorker = Record<string, (arg: unknown, proxy: unknown) => Promise<unknown>>;

export async function namespaceCell(env: CellEnv, agent: AgentEntry, taskId: string): Promise<CellOpening> {
  const { DISPATCHER } = env;
  if (!DISPATCHER) return { ok: false, reason: "agent_unavailable: namespace mode needs DISPATCHER" };
  const door = await env.PROXY.agentDoor(agent.name);
  // get() is synchronous on the real binding; awaiting it also serves a stand-in that answers over RPC.
  const user = (await DISPATCHER.get(
    agent.name,
    {},
    { outbound: { agent: agent.name, task: taskId }, limits: { ...CELL_LIMITS } },
  )) as unknown as UserWorker;
  return { ok: true, cell: { invoke: (method, arg) => user[method]!(arg, door) } };
}
