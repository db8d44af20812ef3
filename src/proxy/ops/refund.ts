import { digestText } from "../../audit/agent-text.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import { holdRefund } from "../approvals/hold.ts";
import type { OpContext, OpDefinition } from "../core/context.ts";
import { commitRefund, type RefundLimits, type RefundRow, refundLimitBreached } from "../ledger/refunds.ts";
import { assertRefundGrounded } from "./grounding.ts";

/**
 * refund.issue: capability, single-refund limit, currency and the orders it
 * may touch (status) from the base key; the order from the task key's
 * customer; every cumulative limit (order, task, principal per day, customer
 * per day) reserved atomically by the refund ledger. Idempotency is the
 * gate's (ledger/effects.ts): this runs at most once per key.
 */
export const refundIssue: OpDefinition<"refund.issue"> = {
  capability: "refund.issue",
  async run(ctx, args) {
    const cap = findCapability(ctx.auth.base.caps, "refund.issue");
    if (!cap) throw new SiloError("capability_denied", "the base key does not grant refund.issue");
    const idem = requireIdempotencyKey(ctx);
    const cents = toCents(args.amount);

    if (args.currency !== cap.currency)
      throw new SiloError("currency_denied", `refunds are granted in ${cap.currency} only`);
    // Above the limit but within a grant's approval band: held for a person, not refused (approvals/hold.ts).
    const held =
      cap.approval && cents > toCents(cap.limit) && cents <= toCents(cap.approval.upTo) ? cap.approval : undefined;
    if (cents > toCents(cap.limit) && !held) {
      throw new SiloError(
        "limit_exceeded",
        `refund of ${args.amount} ${args.currency} exceeds the key's limit of ${cap.limit}`,
      );
    }
    const order = await ctx.crm.getOrder(args.orderId);
    // Same refusal for a missing order and another customer's order: no oracle.
    if (!order || order.customerId !== ctx.auth.task.scope.customer) {
      throw new SiloError("scope_denied", "the task key does not name this order");
    }
    if (order.currency !== args.currency)
      throw new SiloError("currency_denied", "the order was paid in another currency");
    // A money rule of the grant, not of instructions.md: only orders in a status it names.
    if (!cap.orderStatuses.includes(order.status)) {
      throw new SiloError(
        "order_not_refundable",
        `orders in status ${order.status} are not refundable under this grant`,
      );
    }
    await assertRefundGrounded(ctx, order, cents);

    const row: RefundRow = {
      id: `ref_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`,
      taskId: ctx.auth.task.tid,
      orderId: order.id,
      customerId: order.customerId,
      amountCents: cents,
      currency: args.currency,
      idempotencyKey: `${ctx.auth.principal}|${idem}`,
      actor: ctx.auth.principal,
      createdAt: Date.now(),
    };
    const limits: RefundLimits = {
      orderTotalCents: Math.round(order.total * 100),
      perTaskCents: toCents(cap.perTaskLimit),
      perAgentDayCents: toCents(cap.perAgentDailyLimit),
      perCustomerDayCents: toCents(cap.perCustomerDailyLimit),
    };
    if (held) limits.perTaskCents = toCents(held.upTo);
    const breached = await refundLimitBreached(ctx.env.DB, row, limits);
    if (breached) throw new SiloError("limit_exceeded", breached);
    if (held)
      return holdRefund(ctx, {
        args,
        amountCents: cents,
        limits,
        approval: held,
        order: { id: order.id, status: order.status, total: order.total },
      });

    const result = {
      refundId: row.id,
      orderId: order.id,
      amount: args.amount,
      currency: args.currency,
      replayed: false,
    };
    const detail = { refundId: row.id, orderId: order.id, amount: args.amount, currency: args.currency };
    const audit = {
      taskId: row.taskId,
      actor: row.actor,
      event: "proxy.call" as const,
      op: "refund.issue",
      decision: "allowed" as const,
      detail: { ...detail, args: { ...args, reason: await digestText(args.reason) } },
    };
    const claim = requireClaim(ctx);
    const written = await commitRefund(ctx.env.DB, row, limits, audit, { claim, result }, ctx.vault.carried);
    // The batch committed, the journal's rows with it (a refund the limits refused included).
    ctx.vault.carriedShipped();
    // The check above passed but the atomic write did not: a concurrent refund took what was left.
    if (!written)
      throw new SiloError("limit_exceeded", "a concurrent refund used the remaining limit; nothing was refunded");
    return { result, detail, audited: true, effectRecorded: true };
  },
};

export function requireIdempotencyKey(ctx: OpContext): string {
  if (!ctx.idempotencyKey) throw new SiloError("validation_failed", "actions need an idempotencyKey");
  return ctx.idempotencyKey;
}

function requireClaim(ctx: OpContext) {
  if (!ctx.effect) throw new SiloError("internal", "an action ran without an idempotency claim");
  return ctx.effect;
}

/**
 * Major units to whole cents, refusing sub-cent precision rather than
 * rounding money, and anything below one cent (which the ledger's CHECK
 * would refuse): bad input is validation_failed, never a storage error.
 */
function toCents(amount: number): number {
  const cents = Math.round(amount * 100);
  if (Math.abs(cents - amount * 100) > 1e-6)
    throw new SiloError("validation_failed", "amount has more than two decimals");
  if (cents < 1) throw new SiloError("validation_failed", "amount must be at least 0.01");
  return cents;
}
