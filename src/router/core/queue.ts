import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type AuditEvent, batchWithAudit } from "../../audit/index.ts";
import type { Db } from "../../db/index.ts";
import { agentStatus } from "../../db/schema.ts";
import type { RouterEnv } from "./env.ts";
import { updateTask } from "./task-rows.ts";

/** Agents are online unless an admin switched them off. */
export async function agentOnline(db: Db, name: string): Promise<boolean> {
  return isOnline(await agentStatusRead(db, name));
}

/** The agent's status row, as a query to run alone or in a D1 batch with other statements. */
export function agentStatusRead(db: Db, name: string) {
  return db.select({ status: agentStatus.status }).from(agentStatus).where(eq(agentStatus.name, name)).limit(1);
}

export function isOnline(rows: readonly { status: string }[]): boolean {
  return rows[0]?.status !== "offline";
}

/**
 * Put a task in a human queue (`human:<role>`). The vault is handed to the
 * queue with no admitted keys, so whatever the previous holder kept is
 * refused from now on; a person gets fresh keys when they take the task.
 * `before`: the run's journal rows, first in the same batch (src/router/dispatch/run-journal.ts).
 */
export async function queueForHuman(
  env: RouterEnv,
  db: Db,
  taskId: string,
  queue: string,
  outcome: string,
  events: AuditEvent[],
  summary: string | null = null,
  before: readonly BatchItem<"sqlite">[] = [],
): Promise<void> {
  const res = await env.PROXY.handoff(taskId, queue, []);
  if (!res.ok) throw new Error(`vault hand-off failed: ${res.error}`);
  const change = {
    status: "queued_human" as const,
    assignee: queue,
    outcome,
    ...(summary !== null ? { summary } : {}),
  };
  await batchWithAudit(db, [updateTask(db, taskId, change)], events, before);
}
