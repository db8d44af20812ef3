import { and, eq } from "drizzle-orm";
import { digestText } from "../../audit/agent-text.ts";
import { batchWithAudit } from "../../audit/index.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import { refunds } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import type { OpContext, OpDefinition } from "./context.ts";

/**
 * refund.issue: capability and limits from the base key, the order from the
 * task key's customer, a per-task cumulative ceiling held by the vault, and
 * an idempotency key so a retried call never refunds twice.
 */
export const refundIssue: OpDefinition<"refund.issue"> = {
  capability: "refund.issue",
  async run(ctx, args) {
    const cap = findCapability(ctx.auth.base.caps, "refund.issue");
    if (!cap) throw new SiloError("capability_denied", "the base key does not grant refund.issue");
    const idem = requireIdempotencyKey(ctx);
    const cents = toCents(args.amount);
    const previous = await findRefund(ctx, idem);
    if (previous) return { result: { ...previous, replayed: true }, detail: { refundId: previous.refundId, replayed: true } };

    if (args.currency !== cap.currency) throw new SiloError("currency_denied", `refunds are granted in ${cap.currency} only`);
    if (cents > Math.round(cap.limit * 100)) {
      throw new SiloError("limit_exceeded", `refund of ${args.amount} ${args.currency} exceeds the key's limit of ${cap.limit}`);
    }
    const order = await ctx.crm.getOrder(args.orderId);
    // Same refusal for a missing order and another customer's order: no oracle.
    if (!order || order.customerId !== ctx.auth.task.scope.customer) {
      throw new SiloError("scope_denied", "the task key does not name this order");
    }
    if (order.currency !== args.currency) throw new SiloError("currency_denied", "the order was paid in another currency");
    const refundable = Math.round(order.total * 100) - (await ctx.crm.refundedCents(order.id));
    if (cents > refundable) throw new SiloError("limit_exceeded", "refund exceeds the order's refundable amount");

    const reservation = await ctx.vault.reserveSpend(cents, Math.round(cap.perTaskLimit * 100));
    if (!reservation.ok) {
      throw new SiloError("limit_exceeded", `refunds in this task would exceed the per-task limit of ${cap.perTaskLimit}`);
    }
    const refundId = `ref_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const detail = { refundId, orderId: order.id, amount: args.amount, currency: args.currency, spentInTask: reservation.spentCents / 100 };
    try {
      await batchWithAudit(
        ctx.db,
        [
          ctx.db.insert(refunds).values({
            id: refundId,
            taskId: ctx.auth.task.tid,
            orderId: order.id,
            customerId: order.customerId,
            amountCents: cents,
            currency: args.currency,
            idempotencyKey: idem,
            actor: ctx.auth.principal,
            createdAt: Date.now(),
          }),
        ],
        [{ taskId: ctx.auth.task.tid, actor: ctx.auth.principal, event: "proxy.call", op: "refund.issue", decision: "allowed", detail: { ...detail, args: { ...args, reason: await digestText(args.reason) } } }],
      );
    } catch (err) {
      await ctx.vault.releaseSpend(cents);
      throw err;
    }
    return { result: { refundId, orderId: order.id, amount: args.amount, currency: args.currency, replayed: false }, detail, audited: true };
  },
};

export function requireIdempotencyKey(ctx: OpContext): string {
  if (!ctx.idempotencyKey) throw new SiloError("validation_failed", "actions need an idempotencyKey");
  return ctx.idempotencyKey;
}

/** Major units to cents, refusing sub-cent precision rather than rounding money. */
function toCents(amount: number): number {
  const cents = Math.round(amount * 100);
  if (Math.abs(cents - amount * 100) > 1e-6) throw new SiloError("validation_failed", "amount has more than two decimals");
  return cents;
}

async function findRefund(ctx: OpContext, idem: string) {
  const row = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.taskId, ctx.auth.task.tid), eq(refunds.idempotencyKey, idem)))
    .get();
  return row ? { refundId: row.id, orderId: row.orderId, amount: row.amountCents / 100, currency: row.currency } : null;
}
