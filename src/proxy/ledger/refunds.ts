import { type AuditEvent, auditRow } from "../../audit/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import { completeEffectStatement, type EffectClaim } from "./effects.ts";
import { carriedStatements } from "./journal-carry.ts";

/**
 * The refund ledger. Every money limit that spans calls or tasks (the
 * order's refundable amount, the per-task ceiling, spend per principal per
 * day, spend per customer per day) is enforced by ONE conditional INSERT
 * whose WHERE sums the refunds table: D1 runs a batch as one transaction, so
 * of N concurrent refunds only those that fit are written. The audit row and
 * the idempotency record are in the same batch and exist only if the refund
 * row does. A read beforehand gives the precise refusal message; the write
 * is what holds.
 */
export const DAY_MS = 86_400_000;

export interface RefundLimits {
  orderTotalCents: number;
  perTaskCents: number;
  perAgentDayCents: number;
  perCustomerDayCents: number;
}

export interface RefundRow {
  id: string;
  taskId: string;
  orderId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  /** Namespaced by principal, so the table's (task, key) uniqueness cannot be squatted either. */
  idempotencyKey: string;
  actor: string;
  createdAt: number;
}

interface Sums {
  order: number;
  task: number;
  agentDay: number;
  customerDay: number;
}

const SUMS = `SELECT
  (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE order_id = ?1) AS "order",
  (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE task_id = ?2) AS task,
  (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE actor = ?3 AND created_at > ?5) AS agentDay,
  (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE customer_id = ?4 AND created_at > ?5) AS customerDay`;

/** The first limit this refund would break, as a refusal message, or null. Advisory only. */
export async function refundLimitBreached(d1: D1Database, r: RefundRow, l: RefundLimits): Promise<string | null> {
  const s = await d1
    .prepare(SUMS)
    .bind(r.orderId, r.taskId, r.actor, r.customerId, r.createdAt - DAY_MS)
    .first<Sums>();
  if (!s) return null;
  const after = (spent: number) => spent + r.amountCents;
  if (after(s.order) > l.orderTotalCents) return "refund exceeds the order's refundable amount";
  if (after(s.task) > l.perTaskCents)
    return `refunds in this task would exceed the per-task limit of ${l.perTaskCents / 100}`;
  if (after(s.agentDay) > l.perAgentDayCents)
    return `refunds by ${r.actor} in 24 hours would exceed its daily limit of ${l.perAgentDayCents / 100}`;
  if (after(s.customerDay) > l.perCustomerDayCents)
    return `refunds to this customer in 24 hours would exceed the daily limit of ${l.perCustomerDayCents / 100}`;
  return null;
}

export const CONDITIONAL_INSERT = `INSERT INTO refunds (id, task_id, order_id, customer_id, amount_cents, currency, idempotency_key, actor, created_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
WHERE (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE order_id = ?3) + ?5 <= ?10
  AND (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE task_id = ?2) + ?5 <= ?11
  AND (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE actor = ?8 AND created_at > ?9 - ${DAY_MS}) + ?5 <= ?12
  AND (SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE customer_id = ?4 AND created_at > ?9 - ${DAY_MS}) + ?5 <= ?13`;

const AUDIT_IF_WRITTEN = `INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail)
SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM refunds WHERE id = ?)`;

/**
 * Write the refund if it fits every limit, with its audit row and its
 * idempotency record, atomically, after the task's journaled rows (`carried`,
 * written whatever the limits say: they record calls that happened). Returns
 * false when a limit refused it (no refund was written).
 */
export async function commitRefund(
  d1: D1Database,
  r: RefundRow,
  l: RefundLimits,
  audit: AuditEvent,
  effect: { claim: EffectClaim; result: unknown },
  carried?: JournalCarry,
): Promise<boolean> {
  const row = auditRow(audit, r.createdAt);
  const journal = carriedStatements(d1, carried);
  const statements = [
    ...journal,
    d1
      .prepare(CONDITIONAL_INSERT)
      .bind(
        r.id,
        r.taskId,
        r.orderId,
        r.customerId,
        r.amountCents,
        r.currency,
        r.idempotencyKey,
        r.actor,
        r.createdAt,
        l.orderTotalCents,
        l.perTaskCents,
        l.perAgentDayCents,
        l.perCustomerDayCents,
      ),
    d1
      .prepare(AUDIT_IF_WRITTEN)
      .bind(row.at, row.taskId, row.actor, row.event, row.op, row.decision, row.reason, row.detail, r.id),
    completeEffectStatement(d1, effect.claim, effect.result, {
      sql: "EXISTS (SELECT 1 FROM refunds WHERE id = ?)",
      binds: [r.id],
    }),
  ];
  try {
    const results = await d1.batch(statements);
    return results[journal.length]?.meta.changes === 1;
  } catch (err) {
    throw storeError(err);
  }
}

/**
 * A constraint the database refused is bad input, not an outage: say so
 * (validation_failed) instead of audit_unavailable. Anything else fails
 * closed as before.
 */
export function storeError(err: unknown): SiloError {
  if (err instanceof SiloError) return err;
  if (/CHECK constraint failed|NOT NULL constraint failed/i.test(String((err as Error)?.message ?? err))) {
    return new SiloError(
      "validation_failed",
      "the ledger refused these values (a constraint of the database); nothing was done",
    );
  }
  return new SiloError("audit_unavailable", "the audit log or database is unavailable; nothing was done");
}
