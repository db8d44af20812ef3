import { type AuditEvent, appendAudit } from "../audit/index.ts";
import { database } from "../db/index.ts";

/**
 * Held actions die with their task (docs/approvals.md): everything still
 * pending in a task that ended is expired, each with its audit row. Here,
 * beside the vault, because both ends of a task call it: the proxy when it
 * closes a task or finds one gone, the vault's alarm at the task's maximum
 * lifetime (and the vault never imports the proxy that hosts it).
 */
export async function expireTask(env: { DB: D1Database }, taskId: string, reason: string): Promise<number> {
  const now = Date.now();
  const rows = await env.DB.prepare(
    "UPDATE pending_actions SET status = 'expired', decided_at = ? WHERE task_id = ? AND status = 'pending' RETURNING id",
  )
    .bind(now, taskId)
    .all<{ id: string }>();
  const events: AuditEvent[] = rows.results.map((r) => ({
    taskId,
    actor: "proxy",
    event: "approval.expired",
    detail: { actionId: r.id, reason },
  }));
  await appendAudit(database(env.DB), ...events);
  return rows.results.length;
}
