import { type AuditEvent, auditRow } from "../../audit/index.ts";
import type { TaskStatus } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";

/** What the task row must still look like for a change to apply: the state the caller decided on. */
export interface TaskGuard {
  /** SQL over the tasks row, with ? placeholders (column names as in D1). */
  where: string;
  binds: readonly (string | number)[];
}

export interface TaskChange {
  status?: TaskStatus;
  assignee?: string;
}

/**
 * Check-then-act as one step: the task's change and its audit rows in one D1
 * batch (one transaction), each statement guarded by the state the caller
 * read. Of any number of concurrent callers that read the same state, exactly
 * one finds the guard true; the others change nothing and write no row.
 * Returns whether this call made the change.
 */
export async function guardedTaskWrite(
  DB: D1Database,
  taskId: string,
  guard: TaskGuard,
  change: TaskChange,
  events: readonly AuditEvent[],
  now = Date.now(),
): Promise<boolean> {
  const where = `id = ? AND (${guard.where})`;
  const binds = [taskId, ...guard.binds];
  // The audit rows go first, guarded by the state before the change, as batchWithAudit orders them.
  const audits = events.map((e) => {
    const a = auditRow(e, now);
    return DB.prepare(
      `INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM tasks WHERE ${where}`,
    ).bind(a.at, a.taskId, a.actor, a.event, a.op, a.decision, a.reason, a.detail, ...binds);
  });
  const sets = Object.entries(change).filter(([, v]) => v !== undefined);
  const update = DB.prepare(
    `UPDATE tasks SET ${sets.map(([k]) => `${k} = ?`).join(", ")}${sets.length ? ", " : ""}updated_at = ? WHERE ${where}`,
  ).bind(...sets.map(([, v]) => v as string), now, ...binds);
  let results: D1Result[];
  try {
    results = await DB.batch([...audits, update]);
  } catch {
    throw new SiloError("audit_unavailable", "the audit log or database is unavailable; nothing was done");
  }
  return results.at(-1)?.meta.changes === 1;
}
