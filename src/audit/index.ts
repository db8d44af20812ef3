import { and, asc, eq, gt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/index.ts";
import { auditLog } from "../db/schema.ts";
import { SiloError } from "../errors/index.ts";

export type AuditEventName =
  | "task.created"
  | "task.dispatched"
  | "task.run_finished"
  | "task.escalated"
  | "task.queued_human"
  | "task.escalation_denied"
  | "task.completed"
  | "task.failed"
  | "task.expired"
  | "task.hop_retried"
  | "mail.sent"
  | "mail.retry"
  | "mail.dead_letter"
  | "key.minted"
  | "keys.revoked"
  | "vault.created"
  | "vault.deleted"
  | "vault.expired"
  | "proxy.call"
  | "egress.denied"
  | "pii.revealed"
  | "task.assigned"
  | "task.handed_back"
  | "agent.status_changed"
  // The public edges (src/router/edge/, src/router/console/): refusals, sign-ins, sessions.
  | "edge.refused"
  | "console.signin_failed"
  | "console.signed_in"
  | "session.revoked"
  | "operator.role_changed"
  | "approval.held"
  | "approval.approved"
  | "approval.rejected"
  | "approval.expired"
  | "task.awaiting_approval";

export interface AuditEvent {
  taskId?: string | null;
  actor: string;
  event: AuditEventName;
  op?: string;
  decision?: "allowed" | "refused";
  reason?: string;
  /** Tokenized detail only: key ids, tokenized arguments, amounts. */
  detail?: Record<string, unknown>;
}

/** Largest detail kept in one row; an agent must not be able to grow the log that can never shrink. */
export const AUDIT_DETAIL_MAX = 8192;

export function auditRow(e: AuditEvent, at = Date.now()) {
  return {
    at,
    taskId: e.taskId ?? null,
    actor: e.actor.slice(0, 128),
    event: e.event,
    op: e.op?.slice(0, 64) ?? null,
    decision: e.decision ?? null,
    reason: e.reason?.slice(0, 64) ?? null,
    detail: e.detail ? cappedDetail(e.detail) : null,
  };
}

/** Over the cap, the row keeps which fields there were and how large: never the content. */
function cappedDetail(detail: Record<string, unknown>): string {
  const json = JSON.stringify(detail);
  if (json.length <= AUDIT_DETAIL_MAX) return json;
  return JSON.stringify({
    truncated: true,
    chars: json.length,
    fields: Object.keys(detail)
      .slice(0, 20)
      .map((k) => k.slice(0, 40)),
  });
}

/**
 * One row as a raw D1 statement, for a batch of raw statements (an effect's
 * own batch with the journal's rows before it). `when`: the row is written
 * only if this SQL condition holds in the batch's transaction.
 */
export function auditStatement(
  d1: D1Database,
  e: AuditEvent,
  when?: { sql: string; binds: readonly unknown[] },
  at = Date.now(),
): D1PreparedStatement {
  const r = auditRow(e, at);
  const values = [r.at, r.taskId, r.actor, r.event, r.op, r.decision, r.reason, r.detail];
  const insert = "INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail)";
  return when
    ? d1.prepare(`${insert} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${when.sql}`).bind(...values, ...when.binds)
    : d1.prepare(`${insert} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(...values);
}

/** An insert to put in the same D1 batch as the change it records. */
export function auditInsert(db: Db, events: readonly AuditEvent[]): BatchItem<"sqlite"> {
  return db.insert(auditLog).values(events.map((e) => auditRow(e)));
}

/**
 * Append rows or fail closed: a caller that cannot write its audit row must
 * not proceed, so the failure surfaces as audit_unavailable.
 */
export async function appendAudit(db: Db, ...events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await db.insert(auditLog).values(events.map((e) => auditRow(e)));
  } catch {
    throw new SiloError("audit_unavailable", "the audit log is unavailable; nothing was done");
  }
}

/**
 * Run writes and their audit rows atomically (one D1 batch = one transaction).
 * `before`: audit rows that must precede these (a task's journal rows, handed
 * over by its vault), first in the same transaction.
 */
export async function batchWithAudit(
  db: Db,
  writes: readonly BatchItem<"sqlite">[],
  events: readonly AuditEvent[],
  before: readonly BatchItem<"sqlite">[] = [],
): Promise<void> {
  await batchWithAuditResults(db, writes, events, before);
}

/** batchWithAudit, answering with the writes' results (an update's RETURNING rows), in order. */
export async function batchWithAuditResults(
  db: Db,
  writes: readonly BatchItem<"sqlite">[],
  events: readonly AuditEvent[],
  before: readonly BatchItem<"sqlite">[] = [],
): Promise<unknown[]> {
  try {
    const [first, ...rest] = [...before, auditInsert(db, events), ...writes];
    // The audit insert goes first in the same transaction as the change it records.
    return (await db.batch([first!, ...rest])).slice(before.length + 1);
  } catch (err) {
    if (err instanceof SiloError) throw err;
    throw new SiloError("audit_unavailable", "the audit log or database is unavailable; nothing was done");
  }
}

export interface AuditQuery {
  taskId?: string;
  afterSeq?: number;
  limit: number;
}

export function readAudit(db: Db, q: AuditQuery) {
  const where = and(
    q.taskId ? eq(auditLog.taskId, q.taskId) : undefined,
    q.afterSeq !== undefined ? gt(auditLog.seq, q.afterSeq) : undefined,
  );
  return db.select().from(auditLog).where(where).orderBy(asc(auditLog.seq)).limit(q.limit);
}
