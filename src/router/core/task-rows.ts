import { and, eq } from "drizzle-orm";
import { randomHex } from "../../crypto/encoding.ts";
import type { Db } from "../../db/index.ts";
import { type TaskStatus, tasks } from "../../db/schema.ts";

export type TaskRow = typeof tasks.$inferSelect;

export function newTaskId(): string {
  return `tsk_${randomHex(12)}`;
}

export function getTask(db: Db, id: string): Promise<TaskRow | undefined> {
  return db.select().from(tasks).where(eq(tasks.id, id)).get();
}

export interface TaskUpdate {
  status?: TaskStatus;
  assignee?: string;
  outcome?: string | null;
  summary?: string | null;
}

/** `open`: only while the task is open (a run's write must not reopen or relabel a task ended meanwhile). */
export function updateTask(db: Db, id: string, patch: TaskUpdate, only: { open?: boolean } = {}) {
  return db
    .update(tasks)
    .set({ ...patch, updatedAt: Date.now() })
    .where(only.open ? and(eq(tasks.id, id), eq(tasks.status, "open")) : eq(tasks.id, id));
}

/** The public view of a task: no raw values, no keys. */
export function taskView(row: TaskRow) {
  return {
    taskId: row.id,
    status: row.status,
    outcome: row.outcome,
    assignee: row.assignee,
    intent: row.intent,
    subject: { customerId: row.customerId, caseId: row.caseId },
    summary: row.summary,
    channel: row.channel,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
  };
}
