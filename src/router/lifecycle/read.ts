import { isTaskId } from "../../contracts/ids.ts";
import { database } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { getTask, type TaskRow, taskView } from "../core/task-rows.ts";
import { runOf } from "../run/index.ts";
import { expireIfDue } from "./expire.ts";

/** A task by id, or unknown_task; a TTL that passed shows as expired at once, not at the next sweep. */
export async function requireTask(env: RouterEnv, id: string): Promise<TaskRow> {
  if (!isTaskId(id)) throw new SiloError("unknown_task", "no such task");
  const row = await getTask(database(env.DB), id);
  if (!row) throw new SiloError("unknown_task", "no such task");
  if (await expireIfDue(env, row).catch(() => false)) return (await getTask(database(env.DB), id)) ?? row;
  return row;
}

/**
 * The task's public view plus the agent replies since `since`, hydrated for the customer.
 * `known`: the row as the run's last write returned it, instead of reading it again.
 * `hydrated`: the replies since `since` as the run's last vault call (revokeKeys) hydrated them,
 * instead of asking the proxy again; real values, for this answer only.
 */
export async function taskResponse(
  env: RouterEnv,
  taskId: string,
  since: number,
  hops?: string[],
  known?: TaskRow,
  hydrated?: string[],
) {
  const row = known?.id === taskId ? known : await getTask(database(env.DB), taskId);
  if (!row) throw new SiloError("unknown_task", "no such task");
  const closed = row.status === "completed" || row.status === "expired";
  const res = closed || hydrated ? null : await env.PROXY.replies(taskId, since);
  const replies = closed ? [] : (hydrated ?? (res?.ok ? res.result.replies : []));
  return { ...taskView(row), reply: replies.at(-1) ?? null, replies, ...(hops ? { hops } : {}) };
}

/** Resolves with the report when the task's current run ends, or null after maxMs: what a stream of replies follows. */
export function runEnded(env: RouterEnv, taskId: string, maxMs: number) {
  return runOf(env, taskId).wait(maxMs);
}
