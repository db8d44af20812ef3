import type { AgentService } from "../../contracts/agent.ts";
import type { GuardIssuer } from "../../egress/index.ts";
import type { RouterGate } from "../../proxy/index.ts";

/**
 * What the router needs to open an agent's cell, per mode. Every binding but
 * PROXY is optional: a mode whose bindings are missing fails closed
 * (agent_unavailable), it never falls back to another mode. Written by hand:
 * the loader and namespace configs are built by `npm run build:modes`, not
 * committed, so `wrangler types` has no config to read them from.
 */
export interface CellEnv {
  PROXY: Service<RouterGate>;
  /** service | loader | namespace; service when unset. */
  SILOOS_AGENT_MODE?: string;
  /** service mode: one binding per agent (AGENT_<NAME>). */
  [binding: `AGENT_${string}`]: Service<AgentService & Rpc.WorkerEntrypointBranded> | undefined;
  /** loader mode: the Worker Loader. */
  LOADER?: WorkerLoader;
  /** loader mode: published agent builds (src/contracts/cell.ts cellCodeKeys). */
  CELL_CODE?: KVNamespace;
  /** loader mode: the egress guard's GuardIssuer, which labels a guard per hop. */
  EGRESS?: Service<GuardIssuer>;
  /** namespace mode: the Workers for Platforms dispatch namespace holding the agents. */
  DISPATCHER?: DispatchNamespace;
}
