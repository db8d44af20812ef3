import { and, inArray, lt } from "drizzle-orm";
import { database } from "../../db/index.ts";
import { tasks } from "../../db/schema.ts";
import type { RouterEnv } from "../core/env.ts";
import type { TaskRow } from "../core/task-rows.ts";
import { guardedTaskWrite } from "./guarded.ts";

/** States a task's TTL can end: an unattended task must not stay open forever. */
const EXPIRABLE = ["open", "queued_human"] as const;

/**
 * Expiry is a state: a task whose TTL passed while open ends `expired`, its
 * vault wiped (so every key of it is refused) and `task.expired` audited.
 * The status change and its audit row are one D1 batch, and the row is only
 * written if this call made the change, so two sweeps never record it twice.
 * Returns true when the task is (now) expired.
 */
export async function expireIfDue(env: RouterEnv, row: TaskRow, now = Date.now()): Promise<boolean> {
  if (row.status === "expired") return true;
  if (!(EXPIRABLE as readonly string[]).includes(row.status) || row.expiresAt > now) return false;
  // The vault first: a task is never reported over while its data lives.
  const wiped = await env.PROXY.closeTask(row.id, "task expired");
  if (!wiped.ok) throw new Error(`vault wipe failed: ${wiped.error}`);
  const event = {
    taskId: row.id,
    actor: "router",
    event: "task.expired",
    detail: { previousStatus: row.status, expiresAt: new Date(row.expiresAt).toISOString() },
  } as const;
  await guardedTaskWrite(
    env.DB,
    row.id,
    { where: "status IN ('open', 'queued_human')", binds: [] },
    { status: "expired" },
    [event],
    now,
  );
  return true;
}

/** The cron's sweep: every task past its TTL, a bounded batch per minute. */
export async function expireDueTasks(env: RouterEnv, now = Date.now()): Promise<number> {
  const db = database(env.DB);
  const due = await db
    .select()
    .from(tasks)
    .where(and(inArray(tasks.status, [...EXPIRABLE]), lt(tasks.expiresAt, now)))
    .limit(200);
  let n = 0;
  for (const row of due) if (await expireIfDue(env, row, now).catch(() => false)) n++;
  return n;
}
