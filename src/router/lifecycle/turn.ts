import { SiloError } from "../../errors/index.ts";
import { findAgent, registry } from "../../registry/index.ts";
import type { RouterEnv } from "../core/env.ts";
import type { TaskRow } from "../core/task-rows.ts";
import { unwrap } from "../dispatch/dispatch.ts";
import { runOf } from "../run/index.ts";
import { expireIfDue } from "./expire.ts";
import { taskResponse } from "./read.ts";
import type { RunMode } from "./start.ts";

/** How long a synchronous turn waits for its run before answering 202. */
const RUN_WAIT_MS = 600_000;

/** Continue: the next customer turn of an open task held by an agent. */
export async function continueTask(env: RouterEnv, row: TaskRow, message: string, mode: RunMode = "sync") {
  if (await expireIfDue(env, row)) throw new SiloError("task_closed", "the task is expired");
  if (row.status !== "open") throw new SiloError("task_closed", `the task is ${row.status}`);
  const agent = row.assignee.startsWith("agent:") ? findAgent(registry, row.assignee.slice(6)) : undefined;
  if (!agent) throw new SiloError("conflict", "the task is not held by an agent");
  const before = unwrap(await env.PROXY.replies(row.id, 0)).next;
  unwrap(await env.PROXY.addMessage(row.id, message));
  const start = { taskId: row.id, agent: agent.name, context: { channel: row.channel } };
  // A run still going reads this turn when it ends: the message is in the vault already.
  if ((await runOf(env, row.id).nudge(start)) === "pending")
    return { ...(await taskResponse(env, row.id, before)), accepted: true as const };
  if (mode === "async") return { ...(await taskResponse(env, row.id, before)), accepted: true as const };
  const report = await runOf(env, row.id).wait(RUN_WAIT_MS);
  return { ...(await taskResponse(env, row.id, before, report?.hops)), ...(report ? {} : { accepted: true as const }) };
}

/**
 * A customer turn on whatever channel: an agent's task runs again; a task a
 * person holds (queued or taken) gets the message in its conversation for
 * that person to answer.
 */
export async function customerTurn(env: RouterEnv, row: TaskRow, message: string) {
  const agentHolds = row.status === "open" && row.assignee.startsWith("agent:");
  if (agentHolds) return continueTask(env, row, message, "async");
  unwrap(await env.PROXY.addMessage(row.id, message));
  return null;
}
