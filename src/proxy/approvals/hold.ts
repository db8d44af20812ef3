import { type AuditEvent, auditRow } from "../../audit/index.ts";
import type { CapabilityOf } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import type { OpContext, OpOutcome } from "../core/context.ts";
import { completeEffectStatement } from "../ledger/effects.ts";
import { carriedStatements } from "../ledger/journal-carry.ts";
import { type RefundLimits, storeError } from "../ledger/refunds.ts";

/**
 * Hold a call for a person's approval instead of running it (docs/approvals.md).
 * What is held is the call exactly as the agent made it: its arguments (the
 * agent only ever holds tokens; its free-text reason is stored tokenized),
 * its idempotency key, the hash the gate checked, and the records the task
 * key named. The pending row, its audit row and the idempotency record are
 * one D1 batch: a replay of the same key returns this same pending action,
 * and the same key with other arguments is refused by the gate before this
 * runs (idempotency_conflict), so an agent cannot alter what it asked for.
 */
export interface HeldRefund {
  args: { orderId: string; amount: number; currency: string; reason: string };
  amountCents: number;
  limits: RefundLimits;
  approval: NonNullable<CapabilityOf<"refund.issue">["approval"]>;
  order: { id: string; status: string; total: number };
}

export async function holdRefund(ctx: OpContext, held: HeldRefund): Promise<OpOutcome> {
  const claim = ctx.effect;
  if (!claim) throw new SiloError("internal", "an action was held without an idempotency claim");
  const meta = await ctx.vault.meta();
  if (!meta) throw new SiloError("task_closed", "the task is closed");
  const id = `pa_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const now = Date.now();
  // The reason is the agent's text: stored as the vault tokenizes it, shown to people, never hydrated.
  const args = { ...held.args, reason: await ctx.vault.tokenize(held.args.reason, "agent") };
  const records = {
    customer: ctx.auth.task.scope.customer,
    ...(ctx.auth.task.scope.case ? { case: ctx.auth.task.scope.case } : {}),
    order: held.order,
  };
  const result = {
    status: "pending_approval",
    actionId: id,
    role: held.approval.role,
    orderId: held.args.orderId,
    amount: held.args.amount,
    currency: held.args.currency,
    replayed: false,
  };
  const audit: AuditEvent = {
    taskId: claim.taskId,
    actor: claim.principal,
    event: "approval.held",
    op: "refund.issue",
    detail: {
      actionId: id,
      role: held.approval.role,
      orderId: held.args.orderId,
      amount: held.args.amount,
      currency: held.args.currency,
      keys: { base: ctx.auth.base.jti, task: ctx.auth.task.jti },
    },
  };
  const row = auditRow(audit, now);
  const d1 = ctx.env.DB;
  try {
    await d1.batch([
      // The task's journaled rows before this call, in the same transaction (ledger/journal-carry.ts).
      ...carriedStatements(d1, ctx.vault.carried),
      d1
        .prepare(
          `INSERT INTO pending_actions (id, task_id, principal, op, args, args_hash, idempotency_key, role, amount_cents, limits, records, status, created_at, expires_at)
           VALUES (?, ?, ?, 'refund.issue', ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .bind(
          id,
          claim.taskId,
          claim.principal,
          JSON.stringify(args),
          claim.hash,
          claim.key,
          held.approval.role,
          held.amountCents,
          JSON.stringify({ ...held.limits, upToCents: Math.round(held.approval.upTo * 100) }),
          JSON.stringify(records),
          now,
          meta.expiresAt,
        ),
      d1
        .prepare(
          "INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(row.at, row.taskId, row.actor, row.event, row.op, row.decision, row.reason, row.detail),
      completeEffectStatement(d1, claim, result),
    ]);
  } catch (err) {
    throw storeError(err);
  }
  ctx.vault.carriedShipped();
  return { result, detail: { actionId: id }, audited: true, effectRecorded: true };
}
