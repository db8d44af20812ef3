import { batchWithAudit } from "../../audit/index.ts";
import { database } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { getTask, type TaskRow, taskView, updateTask } from "../core/task-rows.ts";
import { unwrap } from "../dispatch/dispatch.ts";
import { expireIfDue } from "./expire.ts";

/** Complete: the vault goes first, so a task is never reported done while its data lives. */
export async function completeTask(env: RouterEnv, row: TaskRow, actor = "router") {
  if (row.status === "completed") throw new SiloError("task_closed", "the task is already completed");
  if (await expireIfDue(env, row)) throw new SiloError("task_closed", "the task is expired");
  if (unwrap(await env.PROXY.pendingCount(row.id)).pending > 0) {
    const waiting = await awaitApproval(env, row, actor);
    // A decision that landed while this ran found no awaiting task to finish: look again.
    if (unwrap(await env.PROXY.pendingCount(row.id)).pending > 0) return waiting;
  }
  unwrap(await env.PROXY.closeTask(row.id, "task completed"));
  const db = database(env.DB);
  await batchWithAudit(
    db,
    [updateTask(db, row.id, { status: "completed" })],
    [{ taskId: row.id, actor, event: "task.completed", detail: { previousStatus: row.status } }],
  );
  return taskView((await getTask(db, row.id)) ?? row);
}

/**
 * An action of this task waits for a person: the task does not complete (its
 * vault holds the tokens the decision and the customer's message need) but
 * waits as `awaiting_approval`, every key of it revoked; the last decision
 * completes it (finishIfDecided), the task's expiry ends it either way.
 */
async function awaitApproval(env: RouterEnv, row: TaskRow, actor: string) {
  unwrap(await env.PROXY.handoff(row.id, "router", []));
  const db = database(env.DB);
  if (row.outcome !== "awaiting_approval") {
    await batchWithAudit(
      db,
      [updateTask(db, row.id, { outcome: "awaiting_approval" })],
      [{ taskId: row.id, actor, event: "task.awaiting_approval", detail: { previousStatus: row.status } }],
    );
  }
  return taskView((await getTask(db, row.id)) ?? row);
}

/**
 * A task whose agent finished while an action waited stays open as
 * `awaiting_approval`, vault and all; the last decision completes it.
 */
export async function finishIfDecided(env: RouterEnv, taskId: string, by: string): Promise<void> {
  const row = await getTask(database(env.DB), taskId);
  if (!row || row.status === "completed" || row.outcome !== "awaiting_approval") return;
  if (unwrap(await env.PROXY.pendingCount(taskId)).pending > 0) return;
  await completeTask(env, row, by).catch((err: unknown) => {
    if (!(err instanceof SiloError && err.code === "task_closed")) throw err;
  });
}
